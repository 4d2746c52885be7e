import CPangoCairo

/// Draws a laid-out label on a cairo context whose user space is the label's dot
/// grid: a 1-bit image for raster formats, a PDF page for vector output.
struct LabelPainter {
    enum Target {
        /// A1 image: ink is opaque, paper is cleared.
        case raster
        /// PDF: ink is black, paper is white.
        case vector
    }

    let cr: OpaquePointer
    let target: Target
    let text: TextSetter

    /// Paints everything but the barcodes `skip` says the printer draws itself.
    func paint(_ layout: LabelLayout, skip: (PlacedBarcode) -> Bool = { _ in false }) throws(LabelError) {
        var problems: [LabelProblem] = []
        for item in layout.items {
            do {
                try paint(item, skip: skip)
            } catch {
                problems += error.problems
            }
        }
        if !problems.isEmpty { throw LabelError(problems: problems) }
    }

    private func paint(_ item: PlacedElement, skip: (PlacedBarcode) -> Bool) throws(LabelError) {
        ink()
        switch item {
        case .text(let t):
            if t.style.inverted { paper() }
            try text.draw(t, on: cr)
        case .barcode(let b):
            if !skip(b) { modules(b) }
            if let caption = b.caption { try text.draw(caption, on: cr) }
        case .line(let x1, let y1, let x2, let y2, let thickness):
            if y1 == y2 || x1 == x2 {
                // Rules as rectangles: exact dot widths, no half-dot anti-aliasing.
                cairo_rectangle(cr, Double(x1), Double(y1), Double(max(x2 - x1, thickness)), Double(max(y2 - y1, thickness)))
                cairo_fill(cr)
            } else {
                cairo_set_line_width(cr, Double(thickness))
                cairo_move_to(cr, Double(x1), Double(y1))
                cairo_line_to(cr, Double(x2), Double(y2))
                cairo_stroke(cr)
            }
        case .box(let r, let thickness, let filled):
            if filled {
                cairo_rectangle(cr, Double(r.x), Double(r.y), Double(r.width), Double(r.height))
                cairo_fill(cr)
            } else {
                let t = Double(thickness)
                cairo_rectangle(cr, Double(r.x), Double(r.y), Double(r.width), Double(r.height))
                cairo_rectangle(cr, Double(r.x) + t, Double(r.y) + t, Double(r.width) - 2 * t, Double(r.height) - 2 * t)
                cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD)
                cairo_fill(cr)
                cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING)
            }
        case .image(let frame, let image, let subject):
            try ImageMask.draw(image, in: frame, on: cr, subject: subject)
        }
    }

    private func modules(_ b: PlacedBarcode) {
        let symbol = b.symbol
        for row in 0..<symbol.rows {
            var column = 0
            while column < symbol.width {
                guard symbol.isDark(row: row, column: column) else {
                    column += 1
                    continue
                }
                var end = column
                while end < symbol.width, symbol.isDark(row: row, column: end) { end += 1 }
                cairo_rectangle(
                    cr, Double(b.x + column * b.module), Double(b.y + row * b.rowHeight),
                    Double((end - column) * b.module), Double(b.rowHeight))
                column = end
            }
        }
        cairo_fill(cr)
    }

    private func ink() {
        cairo_set_operator(cr, CAIRO_OPERATOR_OVER)
        cairo_set_source_rgba(cr, 0, 0, 0, 1)
    }

    private func paper() {
        switch target {
        case .raster: cairo_set_operator(cr, CAIRO_OPERATOR_CLEAR)
        case .vector: cairo_set_source_rgba(cr, 1, 1, 1, 1)
        }
    }
}
