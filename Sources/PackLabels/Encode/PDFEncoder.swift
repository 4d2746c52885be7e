import CPangoCairo

/// A one-page PDF at the label's exact media size: vector text (fonts embedded
/// by cairo) and barcodes drawn as rectangles on the printer's dot grid.
enum PDFEncoder {
    static func encode(_ layout: LabelLayout, text: TextSetter) throws(LabelError) -> [UInt8] {
        let pointsPerDot = 72.0 / Double(layout.dpi)
        // `sink` is read after the surface is finished, so it outlives every callback.
        let sink = CairoStream()
        let surface = try CairoSurface.checked(
            cairo_pdf_surface_create_for_stream(
                CairoStream.write, sink.opaque, Double(layout.widthDots) * pointsPerDot,
                Double(layout.heightDots) * pointsPerDot),
            subject: "label")
        defer { cairo_surface_destroy(surface) }
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "packd")
        let cr = try CairoSurface.context(on: surface, subject: "label")
        defer { cairo_destroy(cr) }
        cairo_scale(cr, pointsPerDot, pointsPerDot)
        try LabelPainter(cr: cr, target: .vector, text: text).paint(layout)
        cairo_show_page(cr)
        cairo_surface_finish(surface)
        let status = cairo_surface_status(surface)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw LabelError("pdf", String(cString: cairo_status_to_string(status)))
        }
        return sink.bytes
    }
}
