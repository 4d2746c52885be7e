import CPangoCairo

/// A whole-label raster in each printer language (for carrier documents).
enum BitmapDocument {
    static func zpl(_ bitmap: Bitmap, settings: PrinterSettings) -> [UInt8] {
        var out = "^XA\n^PW\(bitmap.width)\n^LL\(bitmap.height)\n^LH0,0\n"
        for band in bitmap.inkBands() {
            let b = band.bitmap
            out += "^FO\(band.x),\(band.y)^GFA,\(b.bits.count),\(b.bits.count),\(b.bytesPerRow),\(Z64.encode(b.bits))^FS\n"
        }
        out += "^XZ\n"
        return Array(out.utf8)
    }

    static func tspl(_ bitmap: Bitmap, widthMm: Double, heightMm: Double, settings: PrinterSettings) -> [UInt8] {
        var out: [UInt8] = []
        func line(_ s: String) { out += Array(s.utf8) + [0x0D, 0x0A] }
        line("SIZE \(LabelTemplate.millimetres(widthMm)) mm,\(LabelTemplate.millimetres(heightMm)) mm")
        line("GAP \(LabelTemplate.millimetres(settings.gapMm)) mm,0 mm")
        line("DIRECTION 1,0")
        line("CLS")
        for band in bitmap.inkBands() {
            let b = band.bitmap
            out += Array("BITMAP \(band.x),\(band.y),\(b.bytesPerRow),\(b.height),0,".utf8) + b.bits.map { ~$0 } + [0x0D, 0x0A]
        }
        line("PRINT 1,1")
        return out
    }

    static func pdf(_ bitmap: Bitmap, dpi: Int) throws(LabelError) -> [UInt8] {
        let points = 72.0 / Double(dpi)
        let sink = CairoStream()
        let surface = cairo_pdf_surface_create_for_stream(
            CairoStream.write, sink.opaque, Double(bitmap.width) * points, Double(bitmap.height) * points)!
        defer { cairo_surface_destroy(surface) }
        let image = RasterRenderer.surface(of: bitmap, inkIsSet: true)
        defer { cairo_surface_destroy(image) }
        let cr = cairo_create(surface)!
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
