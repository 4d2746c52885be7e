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

    /// Paints everything but the shapes and barcode symbols `skip` says the
    /// printer draws itself (a skipped barcode's caption is still painted).
    func paint(_ layout: LabelLayout, skip: (PlacedElement) -> Bool = { _ in false }) throws(LabelError) {
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

    private func paint(_ item: PlacedElement, skip: (PlacedElement) -> Bool) throws(LabelError) {
        ink()
        let printerDraws = skip(item)
        switch item {
        case .text(let t):
            if t.style.inverted { paper() }
            try text.draw(t, on: cr)
        case .barcode(let b):
            if !printerDraws { modules(b) }
            if let caption = b.caption { try text.draw(caption, on: cr) }
        case .line, .box:
            if !printerDraws { shape(item) }
        case .image(let frame, let image, let subject):
            try ImageMask.draw(image, in: frame, on: cr, subject: subject)
        }
    }

    private func shape(_ item: PlacedElement) {
        switch item {
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
                // Four sides as separate dot-aligned rectangles: cairo fills those
                // directly, where a hollow path would be scan-converted.
                let t = min(thickness, r.width / 2, r.height / 2)
                rectangle(r.x, r.y, r.width, t)
                rectangle(r.x, r.maxY - t, r.width, t)
                rectangle(r.x, r.y + t, t, r.height - 2 * t)
                rectangle(r.maxX - t, r.y + t, t, r.height - 2 * t)
                cairo_fill(cr)
            }
        default:
            break
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

    private func rectangle(_ x: Int, _ y: Int, _ width: Int, _ height: Int) {
        cairo_rectangle(cr, Double(x), Double(y), Double(width), Double(height))
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
