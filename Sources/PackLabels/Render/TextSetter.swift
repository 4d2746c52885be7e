import CPangoCairo
import Foundation

/// Fits and draws text with Pango and fontconfig: the one code path that draws
/// text for PNG, PDF, ZPL and TSPL alike. One per rendering; not shared.
final class TextSetter {
    private let context: OpaquePointer
    private(set) var warnings: [LabelProblem] = []

    init(raster: Bool) {
        context = pango_font_map_create_context(pango_cairo_font_map_get_default())
        let options = cairo_font_options_create()
        // 1-bit printers get unsmoothed, hinted glyphs; PDF gets outlines. Metrics
        // are unhinted in both so that lines break at the same places.
        cairo_font_options_set_antialias(options, raster ? CAIRO_ANTIALIAS_NONE : CAIRO_ANTIALIAS_GRAY)
        cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
        cairo_font_options_set_hint_style(options, raster ? CAIRO_HINT_STYLE_SLIGHT : CAIRO_HINT_STYLE_NONE)
        pango_cairo_context_set_font_options(context, options)
        cairo_font_options_destroy(options)
        pango_context_set_round_glyph_positions(context, 0)
    }

    deinit { g_object_unref(UnsafeMutableRawPointer(context)) }

    /// Draws `text` inside its frame with the current cairo source; throws when it
    /// cannot fit or no installed font can write it.
    func draw(_ placed: PlacedText, on cr: OpaquePointer) throws(LabelError) {
        guard !placed.text.isEmpty else { return }
        let rotated = placed.style.rotation == 90 || placed.style.rotation == 270
        let lineWidth = rotated ? placed.frame.height : placed.frame.width
        let boxHeight = rotated ? placed.frame.width : placed.frame.height
        var text = placed
        text.text = Self.visiblePart(
            of: placed.text, lineWidth: lineWidth, boxHeight: boxHeight,
            smallestSize: placed.style.fit == .shrink ? placed.minSizeDots : placed.sizeDots)
        try checkFonts(text)
        let layout = pango_layout_new(context)!
        defer { g_object_unref(UnsafeMutableRawPointer(layout)) }
        pango_layout_set_width(layout, Int32(lineWidth) * PANGO_SCALE)
        pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR)
        pango_layout_set_alignment(layout, Self.alignment(text.style.align))
        pango_layout_set_text(layout, text.text, -1)
        let height = try fit(layout, text, lineWidth: lineWidth, boxHeight: boxHeight)

        cairo_save(cr)
        defer { cairo_restore(cr) }
        cairo_rectangle(cr, Double(text.frame.x), Double(text.frame.y), Double(text.frame.width), Double(text.frame.height))
        cairo_clip(cr)
        cairo_translate(
            cr, Double(text.frame.x) + Double(text.frame.width) / 2, Double(text.frame.y) + Double(text.frame.height) / 2)
        cairo_rotate(cr, Double(text.style.rotation) * .pi / 180)
        let slack = Double(boxHeight - height)
        let top: Double
        switch text.style.verticalAlign {
        case .top: top = 0
        case .middle: top = slack / 2
        case .bottom: top = slack
        }
        cairo_move_to(cr, -Double(lineWidth) / 2, -Double(boxHeight) / 2 + top)
        pango_cairo_show_layout(cr, layout)
    }

    /// The start of a text, at least as much as the box could show at the
    /// smallest size (glyphs a fifth of the size wide, lines 0.9 of it high):
    /// customer text may be 64 KiB, and laying all of it out to show a few
    /// hundred characters would cost Pango seconds per label.
    static func visiblePart(of text: String, lineWidth: Int, boxHeight: Int, smallestSize: Double) -> String {
        let size = max(smallestSize, 1)
        let perLine = Double(max(lineWidth, 1)) / (size * 0.2)
        let lines = Double(max(boxHeight, 1)) / (size * 0.9) + 1
        let most = Int(min(perLine * lines, 1e6)) + 16
        guard text.utf8.count > most else { return text }
        return String(text.prefix(most))
    }

    /// Sets the font size so that the text fits; returns the text's height.
    private func fit(_ layout: OpaquePointer, _ text: PlacedText, lineWidth: Int, boxHeight: Int) throws(LabelError)
        -> Int
    {
        switch text.style.fit {
        case .ellipsis:
            return try ellipsize(layout, text, size: text.sizeDots, boxHeight: boxHeight)
        case .shrink:
            // Sizes in quarter dots; fitting is monotonic in size, so bisect.
            var low = Int((text.minSizeDots * 4).rounded(.up))
            var high = Int((text.sizeDots * 4).rounded(.down))
            setFont(layout, text, size: Double(high) / 4)
            if pixelHeight(layout) <= boxHeight { return pixelHeight(layout) }
            setFont(layout, text, size: Double(low) / 4)
            // Customer text too long even at the smallest size is cut, not refused:
            // a long address must never stop a parcel from shipping.
            guard pixelHeight(layout) <= boxHeight else {
                return try ellipsize(layout, text, size: Double(low) / 4, boxHeight: boxHeight)
            }
            while high - low > 1 {
                let mid = (low + high) / 2
                setFont(layout, text, size: Double(mid) / 4)
                if pixelHeight(layout) <= boxHeight { low = mid } else { high = mid }
            }
            setFont(layout, text, size: Double(low) / 4)
            return pixelHeight(layout)
        }
    }

    /// As many lines as fit, the last ending in "…"; an error when not even one
    /// line fits, which is a fault of the template, not of the data.
    private func ellipsize(_ layout: OpaquePointer, _ text: PlacedText, size: Double, boxHeight: Int) throws(LabelError)
        -> Int
    {
        setFont(layout, text, size: size)
        pango_layout_set_height(layout, Int32(boxHeight) * PANGO_SCALE)
        pango_layout_set_ellipsize(layout, PANGO_ELLIPSIZE_END)
        let height = pixelHeight(layout)
        if height > boxHeight {
            let points = (size / text.sizeDots * text.style.size * 10).rounded() / 10
            throw LabelError(
                text.subject,
                "text does not fit: one line at \(points) pt is \(height) dots tall; the box is \(boxHeight) dots: "
                    + "make the box taller or the text smaller")
        }
        return height
    }

    private func setFont(_ layout: OpaquePointer, _ text: PlacedText, size: Double) {
        let description = pango_font_description_from_string(text.fontFamily)
        defer { pango_font_description_free(description) }
        pango_font_description_set_absolute_size(description, size * Double(PANGO_SCALE))
        if text.style.bold { pango_font_description_set_weight(description, PANGO_WEIGHT_BOLD) }
        pango_layout_set_font_description(layout, description)
    }

    private func pixelHeight(_ layout: OpaquePointer) -> Int {
        var logical = PangoRectangle()
        pango_layout_get_pixel_extents(layout, nil, &logical)
        return Int(logical.height)
    }

    /// A named font that is not installed is an error; so is a letter no installed
    /// font can write (a name would print as boxes). Symbols without a glyph
    /// (emoji with no emoji font) only warn: they carry no address.
    private func checkFonts(_ text: PlacedText) throws(LabelError) {
        let catalog = FontCatalog.shared
        let (missing, anyInstalled) = catalog.missingFamilies(in: text.fontFamily)
        if !anyInstalled {
            throw LabelError(
                text.subject,
                "font \(missing.map { "\"\($0)\"" }.joined(separator: ", ")) is not installed "
                    + "(`fc-list : family` lists the installed fonts)")
        }
        var seen: Set<UInt32> = []
        for scalar in text.text.unicodeScalars where seen.insert(scalar.value).inserted {
            if scalar.properties.isWhitespace || scalar.properties.generalCategory == .format { continue }
            guard !catalog.covers(scalar.value, family: text.fontFamily, context: context) else { continue }
            let name = "U+\(String(scalar.value, radix: 16, uppercase: true)) \(scalar.properties.name ?? "")"
            switch scalar.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .otherLetter, .decimalNumber:
                throw LabelError(
                    text.subject,
                    "no installed font can write \(name); install a font for it (packd depends on fonts-wqy-microhei)")
            default:
                warnings.append(LabelProblem(subject: text.subject, message: "no installed font has \(name); it prints as a box"))
            }
        }
    }

    private static func alignment(_ a: TextStyle.Alignment) -> PangoAlignment {
        switch a {
        case .left: PANGO_ALIGN_LEFT
        case .center: PANGO_ALIGN_CENTER
        case .right: PANGO_ALIGN_RIGHT
        }
    }
}
