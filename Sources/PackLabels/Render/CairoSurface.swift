import CPangoCairo
import PackCore

/// Cairo's surfaces and contexts, checked: cairo never returns NULL but an object
/// in an error state (no memory, a size it cannot take), whose pixel data is NULL.
/// A picture too large to draw is an error naming it, not a crash.
enum CairoSurface {
    /// `pictureLimits`: a picture from outside (a PNG, a carrier document) must
    /// stay within `InputLimits`; a label's own surface is as large as its
    /// template, which the template decoder bounds.
    static func image(
        _ format: cairo_format_t, width: Int, height: Int, subject: String, pictureLimits: Bool = true
    ) throws(LabelError) -> OpaquePointer {
        let withinLimits =
            !pictureLimits
            || (width <= InputLimits.imageSide && height <= InputLimits.imageSide && width * height <= InputLimits.imagePixels)
        guard width > 0, height > 0, width <= Int(Int32.max), height <= Int(Int32.max), withinLimits else {
            throw LabelError(
                subject,
                "a \(width) x \(height) picture is too large to draw (at most \(InputLimits.imageSide) pixels a side, \(InputLimits.imagePixels) in all)")
        }
        guard let surface = cairo_image_surface_create(format, Int32(width), Int32(height)) else {
            throw LabelError(subject, "cannot make a \(width) x \(height) picture")
        }
        guard cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS, cairo_image_surface_get_data(surface) != nil else {
            let status = String(cString: cairo_status_to_string(cairo_surface_status(surface)))
            cairo_surface_destroy(surface)
            throw LabelError(subject, "cannot make a \(width) x \(height) picture: \(status)")
        }
        return surface
    }

    /// A vector (PDF) surface as made, or the error it is in.
    static func checked(_ surface: OpaquePointer?, subject: String) throws(LabelError) -> OpaquePointer {
        guard let surface else { throw LabelError(subject, "cannot make the PDF: no memory") }
        guard cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else {
            let status = String(cString: cairo_status_to_string(cairo_surface_status(surface)))
            cairo_surface_destroy(surface)
            throw LabelError(subject, "cannot make the PDF: \(status)")
        }
        return surface
    }

    static func context(on surface: OpaquePointer, subject: String) throws(LabelError) -> OpaquePointer {
        guard let cr = cairo_create(surface) else { throw LabelError(subject, "cannot draw: no memory") }
        guard cairo_status(cr) == CAIRO_STATUS_SUCCESS else {
            let status = String(cString: cairo_status_to_string(cairo_status(cr)))
            cairo_destroy(cr)
            throw LabelError(subject, "cannot draw: \(status)")
        }
        return cr
    }

    /// The pixels of a surface made by `image` (never NULL there).
    static func data(of surface: OpaquePointer) -> UnsafeMutablePointer<UInt8> {
        // `image` refused any surface without data.
        cairo_image_surface_get_data(surface)!
    }
}

/// The size a PNG says it is, read from its header (IHDR, the first chunk) before
/// anything is decoded: a 100,000 x 100,000 PNG of a few kilobytes must not make
/// cairo reserve 40 GB.
enum PNGHeader {
    static func size(of png: [UInt8]) -> (width: Int, height: Int)? {
        let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        guard png.count >= 24, Array(png[0..<8]) == signature, Array(png[12..<16]) == Array("IHDR".utf8) else {
            return nil
        }
        func be32(_ at: Int) -> Int { png[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        return (be32(16), be32(20))
    }

    /// Why the PNG may not be decoded, or nil; `noun` names it ("image").
    static func problem(_ png: [UInt8], noun: String) -> String? {
        guard let (width, height) = size(of: png) else { return "the \(noun) is corrupt or not a PNG" }
        if width == 0 || height == 0 || width > InputLimits.imageSide || height > InputLimits.imageSide
            || width * height > InputLimits.imagePixels
        {
            return "a \(width) x \(height) PNG is too large (at most \(InputLimits.imageSide) pixels a side, \(InputLimits.imagePixels) in all)"
        }
        return nil
    }
}
