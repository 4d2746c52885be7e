import CPangoCairo

/// A whole-label raster in each printer language (for carrier documents).
enum BitmapDocument {
    static func zpl(_ bitmap: Bitmap, settings: PrinterSettings) -> [UInt8] {
        Array("^XA\n^PW\(bitmap.width)\n^LL\(bitmap.height)\n^LH0,0\n\(ZPLEncoder.graphics(bitmap))^XZ\n".utf8)
    }

    static func tspl(_ bitmap: Bitmap, widthMm: Double, heightMm: Double, settings: PrinterSettings) -> [UInt8] {
        var out = TSPLEncoder.header(widthMm: widthMm, heightMm: heightMm, settings: settings, capacity: bitmap.bits.count)
        TSPLEncoder.appendBitmaps(bitmap, to: &out)
        out += Array("PRINT 1,1\r\n".utf8)
        return out
    }

    static func pdf(_ bitmap: Bitmap, dpi: Int) throws(LabelError) -> [UInt8] {
        let points = 72.0 / Double(dpi)
        let sink = CairoStream()
        let surface = try CairoSurface.checked(
            cairo_pdf_surface_create_for_stream(
                CairoStream.write, sink.opaque, Double(bitmap.width) * points, Double(bitmap.height) * points),
            subject: "document")
        defer { cairo_surface_destroy(surface) }
        let image = try RasterRenderer.surface(of: bitmap, inkIsSet: true)
        defer { cairo_surface_destroy(image) }
        let cr = try CairoSurface.context(on: surface, subject: "document")
        defer { cairo_destroy(cr) }
        cairo_scale(cr, points, points)
        cairo_set_source_rgb(cr, 0, 0, 0)
        cairo_mask_surface(cr, image, 0, 0)
        cairo_show_page(cr)
        cairo_surface_finish(surface)
        guard cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else {
            throw LabelError("pdf", String(cString: cairo_status_to_string(cairo_surface_status(surface))))
        }
        return sink.bytes
    }
}
