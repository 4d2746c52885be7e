import CPangoCairo

/// Draws a PNG picture as ink where it is dark: a logo on white prints its dark
/// parts, not a black rectangle (a 1-bit surface keeps only coverage).
enum ImageMask {
    static func draw(_ image: LabelImage, in frame: DotRect, on cr: OpaquePointer, subject: String) throws(LabelError) {
        let mask = try self.mask(png: image.png, subject: subject)
        defer { cairo_surface_destroy(mask) }
        let width = Double(cairo_image_surface_get_width(mask))
        let height = Double(cairo_image_surface_get_height(mask))
        let scale = min(Double(frame.width) / width, Double(frame.height) / height)
        cairo_save(cr)
        cairo_translate(
            cr, Double(frame.x) + (Double(frame.width) - width * scale) / 2,
            Double(frame.y) + (Double(frame.height) - height * scale) / 2)
        cairo_scale(cr, scale, scale)
        cairo_mask_surface(cr, mask, 0, 0)
        cairo_restore(cr)
    }

    /// Decodes PNG bytes into an alpha mask: (1 - luminance) x opacity.
    static func mask(png: [UInt8], subject: String) throws(LabelError) -> OpaquePointer {
        let picture = try decode(png: png, subject: subject)
        defer { cairo_surface_destroy(picture) }
        let width = cairo_image_surface_get_width(picture)
        let height = cairo_image_surface_get_height(picture)
        let argb = try CairoSurface.image(CAIRO_FORMAT_ARGB32, width: Int(width), height: Int(height), subject: subject)
        defer { cairo_surface_destroy(argb) }
        let cr = try CairoSurface.context(on: argb, subject: subject)
        cairo_set_source_surface(cr, picture, 0, 0)
        cairo_paint(cr)
        cairo_destroy(cr)
        cairo_surface_flush(argb)
        let mask = try CairoSurface.image(CAIRO_FORMAT_A8, width: Int(width), height: Int(height), subject: subject)
        let srcStride = Int(cairo_image_surface_get_stride(argb))
        let dstStride = Int(cairo_image_surface_get_stride(mask))
        let src = CairoSurface.data(of: argb)
        let dst = CairoSurface.data(of: mask)
        for y in 0..<Int(height) {
            let row = UnsafeRawPointer(src + y * srcStride).assumingMemoryBound(to: UInt32.self)
            for x in 0..<Int(width) {
                let p = row[x]
                let a = Int(p >> 24)
                // Premultiplied: the colour over white is c + (255 - a).
                let r = Int((p >> 16) & 0xFF) + 255 - a
                let g = Int((p >> 8) & 0xFF) + 255 - a
                let b = Int(p & 0xFF) + 255 - a
                let luminance = (r * 299 + g * 587 + b * 114) / 1000
                dst[y * dstStride + x] = UInt8(clamping: 255 - luminance)
            }
        }
        cairo_surface_mark_dirty(mask)
        return mask
    }

    /// The PNG as a cairo surface; its size is checked from its header first.
    static func decode(png: [UInt8], subject: String, noun: String = "image") throws(LabelError) -> OpaquePointer {
        if let problem = PNGHeader.problem(png, noun: noun) { throw LabelError(subject, problem) }
        let stream = CairoStream(bytes: png)
        let surface = withExtendedLifetime(stream) {
            cairo_image_surface_create_from_png_stream(CairoStream.read, stream.opaque)
        }
        guard let surface else { throw LabelError(subject, "the \(noun) is corrupt or not a PNG") }
        let status = cairo_surface_status(surface)
        guard status == CAIRO_STATUS_SUCCESS else {
            cairo_surface_destroy(surface)
            throw LabelError(
                subject, "the \(noun) is corrupt or not a PNG (\(String(cString: cairo_status_to_string(status))))")
        }
        return surface
    }
}
