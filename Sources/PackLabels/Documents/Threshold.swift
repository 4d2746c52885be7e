import CPangoCairo

/// Greyscale to 1 bit: darker than middle grey is ink.
enum Threshold {
    static func bitmap(ofRGB surface: OpaquePointer) -> Bitmap {
        let width = Int(cairo_image_surface_get_width(surface))
        let height = Int(cairo_image_surface_get_height(surface))
        let stride = Int(cairo_image_surface_get_stride(surface))
        let data = UnsafeRawPointer(CairoSurface.data(of: surface))
        var out = Bitmap(width: width, height: height)
        for y in 0..<height {
            let row = (data + y * stride).assumingMemoryBound(to: UInt32.self)
            for x in 0..<width {
                let p = row[x]
                let luminance = (Int((p >> 16) & 0xFF) * 299 + Int((p >> 8) & 0xFF) * 587 + Int(p & 0xFF) * 114) / 1000
                if luminance < 128 { out.setInk(x: x, y: y) }
            }
        }
        return out
    }
}
