import CPangoCairo
public import PackCore
import Foundation

/// A label the carrier made (contracts.md section 1, `label.document`). ZPL goes
/// to ZPL printers and TSPL to TSPL printers byte for byte; PDF and PNG are
/// rasterised to the media (fit, aspect kept, landscape pages turned) for
/// ZPL/TSPL/PNG, and a PDF passes through to PDF printers.
public struct CarrierDocument: Sendable {
    public var format: LabelDocumentFormat
    public var bytes: [UInt8]

    public static let maxBytes = InputLimits.carrierDocumentBytes

    public init(format: LabelDocumentFormat, bytes: [UInt8]) {
        self.format = format
        self.bytes = bytes
    }

    public init(format: LabelDocumentFormat, base64: String) throws(LabelError) {
        guard let data = Data(base64Encoded: base64, options: .ignoreUnknownCharacters) else {
            throw LabelError("document", "the base64 text of the \(format.rawValue) document is not valid base64")
        }
        self.init(format: format, bytes: [UInt8](data))
    }

    /// The document in `target`'s language, on media of `widthMm` x `heightMm`.
    public func convert(
        to target: LabelFormat, dpi: Int, widthMm: Double = 100, heightMm: Double = 150,
        renderer: LabelRenderer = LabelRenderer()
    ) throws(LabelError) -> RenderedLabel {
        guard !bytes.isEmpty else { throw LabelError("document", "the \(format.rawValue) document is empty") }
        guard bytes.count <= Self.maxBytes else {
            throw LabelError("document", "the document is \(bytes.count) bytes; at most \(Self.maxBytes) are accepted")
        }
        try LabelLibraries.requireRendering()
        let geometry = DotGeometry(dpi: dpi)
        let width = geometry.dots(widthMm)
        let height = geometry.dots(heightMm)
        func label(_ format: LabelFormat, _ bytes: [UInt8]) -> RenderedLabel {
            RenderedLabel(format: format, bytes: bytes, dpi: dpi, widthDots: width, heightDots: height, warnings: [])
        }
        switch (format, target) {
        case (.zpl, .zpl):
            try requireText("^XA", "a ZPL document must contain ^XA")
            return label(.zpl, bytes)
        case (.tspl, .tspl):
            try requireText("PRINT", "a TSPL document must contain a PRINT command")
            return label(.tspl, bytes)
        case (.pdf, .pdf):
            _ = try PDFPages(bytes: bytes)
            return label(.pdf, bytes)
        case (.zpl, _), (.tspl, _):
            throw LabelError(
                "document",
                "the carrier's \(format.rawValue.uppercased()) label can only go to a \(format.rawValue.uppercased()) printer, not \(target.rawValue)")
        case (.png, .pdf):
            let bitmap = try raster(width: width, height: height)
            return label(.pdf, try BitmapDocument.pdf(bitmap, dpi: dpi))
        case (_, .png):
            return label(.png, try PNGEncoder.encode(raster(width: width, height: height)))
        case (_, .zpl):
            return label(.zpl, BitmapDocument.zpl(try raster(width: width, height: height), settings: renderer.settings))
        case (_, .tspl):
            return label(
                .tspl,
                BitmapDocument.tspl(
                    try raster(width: width, height: height), widthMm: widthMm, heightMm: heightMm, settings: renderer.settings))
        }
    }

    private func requireText(_ marker: String, _ message: String) throws(LabelError) {
        let text = String(decoding: bytes.prefix(1 << 20), as: UTF8.self)
        guard text.contains(marker) else { throw LabelError("document", message) }
    }

    /// The document drawn to fit `width` x `height` dots, thresholded to 1 bit.
    private func raster(width: Int, height: Int) throws(LabelError) -> Bitmap {
        let surface = try CairoSurface.image(CAIRO_FORMAT_RGB24, width: width, height: height, subject: "document")
        defer { cairo_surface_destroy(surface) }
        let cr = try CairoSurface.context(on: surface, subject: "document")
        defer { cairo_destroy(cr) }
        cairo_set_source_rgb(cr, 1, 1, 1)
        cairo_paint(cr)
        switch format {
        case .pdf:
            let pages = try PDFPages(bytes: bytes)
            try pages.drawFirstPage(on: cr, width: Double(width), height: Double(height))
        default:
            let picture = try ImageMask.decode(png: bytes, subject: "document", noun: "PNG document")
            defer { cairo_surface_destroy(picture) }
            Fitting.draw(
                width: Double(cairo_image_surface_get_width(picture)), height: Double(cairo_image_surface_get_height(picture)),
                into: (Double(width), Double(height)), on: cr
            ) {
                cairo_set_source_surface(cr, picture, 0, 0)
                cairo_paint(cr)
            }
        }
        cairo_surface_flush(surface)
        return Threshold.bitmap(ofRGB: surface)
    }
}
