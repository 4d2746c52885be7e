/// Renders a template for one parcel in one printer language.
public struct LabelRenderer: Sendable {
    public var settings: PrinterSettings

    public init(settings: PrinterSettings = PrinterSettings()) { self.settings = settings }

    /// Renders `template` filled with `data`; `dpi` defaults to the template's.
    /// Throws naming every element that cannot be drawn; never returns a partial label.
    public func render(_ template: LabelTemplate, data: LabelData, format: LabelFormat, dpi: Int? = nil)
        throws(LabelError) -> RenderedLabel
    {
        try LabelLibraries.requireRendering()
        let dpi = dpi ?? template.dpi
        guard LabelResolution.supported.contains(dpi) else {
            throw LabelError("dpi", "must be 203 or 300, not \(dpi)")
        }
        let geometry = DotGeometry(dpi: dpi)
        let layout = try LabelLayout(template: template, data: data, dpi: dpi)
            .shifted(dx: geometry.dots(settings.offsetXMm), dy: geometry.dots(settings.offsetYMm))
        let text = TextSetter(raster: format != .pdf)
        let bytes: [UInt8]
        switch format {
        case .zpl: bytes = try ZPLEncoder.encode(layout, text: text, settings: settings)
        case .tspl:
            bytes = try TSPLEncoder.encode(
                layout, text: text, settings: settings, widthMm: template.widthMm, heightMm: template.heightMm)
        case .pdf: bytes = try PDFEncoder.encode(layout, text: text)
        case .png: bytes = try PNGEncoder.encode(RasterRenderer.render(layout, text: text))
        }
        return RenderedLabel(
            format: format, bytes: bytes, dpi: dpi, widthDots: layout.widthDots, heightDots: layout.heightDots,
            warnings: text.warnings)
    }
}

public struct RenderedLabel: Sendable, Equatable {
    public var format: LabelFormat
    public var bytes: [UInt8]
    public var dpi: Int
    public var widthDots: Int
    public var heightDots: Int
    /// Things that print but not as intended (a symbol no font has).
    public var warnings: [LabelProblem]
}
