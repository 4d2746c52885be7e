public import PackCore

/// Turns a parcel's `label` (a template name or the carrier's document) into a
/// label in the printer's language.
public struct LabelSource: Sendable {
    public var catalog: TemplateCatalog
    public var renderer: LabelRenderer
    /// Used when a parcel names no template.
    public var defaultTemplate: String

    public init(catalog: TemplateCatalog, renderer: LabelRenderer = LabelRenderer(), defaultTemplate: String = "waybill-100x150") {
        self.catalog = catalog
        self.renderer = renderer
        self.defaultTemplate = defaultTemplate
    }

    /// `media` (millimetres) is the size a carrier's PDF or PNG is fitted to;
    /// templates carry their own.
    public func render(
        parcel: Parcel, templateOverride: String?, data: LabelData, format: LabelFormat, dpi: Int?,
        media: (widthMm: Double, heightMm: Double) = (100, 150)
    ) throws(LabelError) -> RenderedLabel {
        if templateOverride == nil, case .document(let documentFormat, let base64)? = parcel.label {
            return try CarrierDocument(format: documentFormat, base64: base64).convert(
                to: format, dpi: dpi ?? 203, widthMm: media.widthMm, heightMm: media.heightMm, renderer: renderer)
        }
        if let templateOverride {
            return try renderer.render(catalog.template(templateOverride), data: data, format: format, dpi: dpi)
        }
        // The parcel's template comes with the order: a catalogue name only.
        var name = defaultTemplate
        if case .template(let named, _)? = parcel.label { name = named }
        return try renderer.render(catalog.template(named: name), data: data, format: format, dpi: dpi)
    }
}
