import CPangoCairo

/// 1-bit greyscale PNG of a raster label: white paper, black ink, at the
/// printer's resolution (the pHYs chunk is left out; names carry the dpi).
enum PNGEncoder {
    static func encode(_ bitmap: Bitmap) throws(LabelError) -> [UInt8] {
        // cairo writes A1 as 1-bit grey with a set bit as white: paper is set.
        let surface = try RasterRenderer.surface(of: bitmap, inkIsSet: false)
        defer { cairo_surface_destroy(surface) }
        let sink = CairoStream()
        let status = withExtendedLifetime(sink) {
            cairo_surface_write_to_png_stream(surface, CairoStream.write, sink.opaque)
        }
        guard status == CAIRO_STATUS_SUCCESS else {
            throw LabelError("png", String(cString: cairo_status_to_string(status)))
        }
        return sink.bytes
    }
}
