import Foundation
public import PackCore
public import PackLabels
public import PackPrint
public import PackStore

/// Renders a queued parcel label at delivery, from the order as journaled, in
/// the language and with the settings of the printer's profile.
public struct ParcelLabelRenderer: Sendable {
    public var journal: any DaemonJournal
    public var config: PackConfig
    public var catalog: TemplateCatalog
    /// Seconds east of UTC for the print time shown on labels.
    public var utcOffsetSeconds: Int

    /// `utcOffsetSeconds` nil: this machine's zone.
    public init(journal: any DaemonJournal, config: PackConfig, utcOffsetSeconds: Int? = nil) {
        self.journal = journal
        self.config = config
        self.catalog = config.templateCatalog
        self.utcOffsetSeconds = utcOffsetSeconds ?? TimeZone.current.secondsFromGMT()
    }

    public func render(_ request: PrintRequest, at now: Timestamp) async throws -> (DocumentFormat, [UInt8]) {
        guard let orderId = request.orderId, let parcelId = request.parcelId,
            let order = try await journal.order(id: orderId),
            let parcel = order.parcels.first(where: { $0.id == parcelId })
        else {
            throw LabelError("parcel", "\(request.orderId ?? "?")/\(request.parcelId ?? "?") is not in the journal")
        }
        let profile = config.profile(named: request.printer)
        let data = LabelData(
            order: order, parcel: parcel, printedAt: now, utcOffsetSeconds: utcOffsetSeconds, reprint: request.reprint,
            station: request.station)
        let format = LabelFormat(rawValue: request.format) ?? .zpl
        let label = try LabelSource(catalog: catalog, renderer: LabelRenderer(settings: profile.settings)).render(
            parcel: parcel, templateOverride: nil, data: data, format: format, dpi: profile.dpi,
            media: (profile.widthMm, profile.heightMm))
        return (DocumentFormat(format), label.bytes)
    }
}
