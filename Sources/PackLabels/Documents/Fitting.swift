import CPangoCairo

/// Scales a picture to the media keeping its aspect, centred, turning it a
/// quarter when its orientation differs from the media's (a landscape carrier PDF
/// on portrait labels).
enum Fitting {
    static func draw(
        width: Double, height: Double, into media: (width: Double, height: Double), on cr: OpaquePointer,
        _ draw: () -> Void
    ) {
        let turn = (width > height) != (media.width > media.height) && width != height
        let (w, h) = turn ? (height, width) : (width, height)
        let scale = min(media.width / w, media.height / h)
        cairo_save(cr)
        cairo_translate(cr, media.width / 2, media.height / 2)
        if turn { cairo_rotate(cr, .pi / 2) }
        cairo_scale(cr, scale, scale)
        cairo_translate(cr, -width / 2, -height / 2)
        draw()
        cairo_restore(cr)
    }
}
