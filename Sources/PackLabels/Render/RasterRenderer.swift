import CPangoCairo

/// Paints a layout into a 1-bit image at the layout's resolution.
enum RasterRenderer {
    static func render(_ layout: LabelLayout, text: TextSetter, skip: (PlacedElement) -> Bool = { _ in false })
        throws(LabelError) -> Bitmap
    {
        let surface = try CairoSurface.image(
            CAIRO_FORMAT_A1, width: layout.widthDots, height: layout.heightDots, subject: "label", pictureLimits: false)
        defer { cairo_surface_destroy(surface) }
        let cr = try CairoSurface.context(on: surface, subject: "label")
        defer { cairo_destroy(cr) }
        cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE)
        try LabelPainter(cr: cr, target: .raster, text: text).paint(layout, skip: skip)
        cairo_surface_flush(surface)
        return bitmap(of: surface)
    }

    /// cairo's A1 rows, first dot in the least significant bit on little-endian
    /// machines (most significant on big-endian), turned into `Bitmap` rows.
    static func bitmap(of surface: OpaquePointer) -> Bitmap {
        let width = Int(cairo_image_surface_get_width(surface))
        let height = Int(cairo_image_surface_get_height(surface))
        let stride = Int(cairo_image_surface_get_stride(surface))
        let data = CairoSurface.data(of: surface)
        let bytesPerRow = (width + 7) / 8
        let reverse = isLittleEndian
        let lastMask: UInt8 = width % 8 == 0 ? 0xFF : ~(0xFF >> UInt8(width % 8))
        let out = Bitmap(width: width, height: height) { dst in
            bitReversed.withUnsafeBufferPointer { table in
                for y in 0..<height {
                    let row = data + y * stride
                    let target = y * bytesPerRow
                    for i in 0..<bytesPerRow { dst[target + i] = reverse ? table[Int(row[i])] : row[i] }
                    dst[target + bytesPerRow - 1] &= lastMask
                }
            }
        }
        return out
    }

    /// Writes a `Bitmap` into a new A1 surface (for PNG output).
    static func surface(of bitmap: Bitmap, inkIsSet: Bool) throws(LabelError) -> OpaquePointer {
        let surface = try CairoSurface.image(
            CAIRO_FORMAT_A1, width: bitmap.width, height: bitmap.height, subject: "label", pictureLimits: false)
        let stride = Int(cairo_image_surface_get_stride(surface))
        let data = CairoSurface.data(of: surface)
        let reverse = isLittleEndian
        for y in 0..<bitmap.height {
            for i in 0..<stride {
                var byte: UInt8 = i < bitmap.bytesPerRow ? bitmap.bits[y * bitmap.bytesPerRow + i] : 0
                if !inkIsSet { byte = ~byte }
                data[y * stride + i] = reverse ? bitReversed[Int(byte)] : byte
            }
        }
        cairo_surface_mark_dirty(surface)
        return surface
    }

    static let isLittleEndian = 1.littleEndian == 1

    static let bitReversed: [UInt8] = (0..<256).map { value in
        var v = UInt8(value)
        var r: UInt8 = 0
        for _ in 0..<8 {
            r = (r << 1) | (v & 1)
            v >>= 1
        }
        return r
    }
}
