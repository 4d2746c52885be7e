import Foundation
public import PackCore
public import PackLabels
import PackPrint
public import PackStore

/// Renders a queued parcel label at delivery, from the order as journaled, in
/// the language and with the settings of the printer's profile.
public struct ParcelLabelRenderer: Sendable {
    public var journal: any DaemonJournal
    public var config: PackConfig
    public var catalog: TemplateCatalog
    /// Seconds east of UTC for the print time shown on labels.
    public var utcOffsetSeconds: Int
    /// Labels rendered ahead (`prepare`); nil: every label is rendered when it prints.
    public var prepared: PreparedLabels?

    /// `utcOffsetSeconds` nil: this machine's zone.
    public init(journal: any DaemonJournal, config: PackConfig, utcOffsetSeconds: Int? = nil, prepared: PreparedLabels? = nil) {
        self.journal = journal
        self.config = config
        self.prepared = prepared
        self.catalog = config.templateCatalog
        self.utcOffsetSeconds = utcOffsetSeconds ?? TimeZone.current.secondsFromGMT()
    }

    public func render(_ request: PrintRequest, at now: Timestamp) async throws -> PrintWorker.Document {
        let (order, parcel) = try await self.parcel(orderId: request.orderId, parcelId: request.parcelId)
        let data = labelData(order, parcel, at: now, reprint: request.reprint, station: request.station)
        let format = LabelFormat(rawValue: request.format) ?? .zpl
        let key = PreparedLabels.Key(orderId: order.id, parcelId: parcel.id, printer: request.printer)
        if let render = prepared?.take(key), let label = await render.value,
            label.matches(parcel: parcel, data: data, format: format)
        {
            return PrintWorker.Document(format: DocumentFormat(format), bytes: label.bytes, renderedAhead: true)
        }
        let bytes = try renderLabel(parcel, data: data, format: format, printer: request.printer)
        return PrintWorker.Document(format: DocumentFormat(format), bytes: bytes)
    }

    /// Starts rendering the label a parcel will get when its last item is
    /// verified at `station`, printing on `printer` in `format` (a printer
    /// language: CUPS hands those to the printer as they are). Returns at once,
    /// with the render under way (nil when nothing is rendered ahead).
    @discardableResult
    public func prepare(
        orderId: String, parcelId: String, printer: String, format: LabelFormat, station: String, at now: Timestamp
    ) -> Task<PreparedLabels.Label?, Never>? {
        guard let prepared, format == .zpl || format == .tspl else { return nil }
        // On packd's render threads, not the cooperative ones the scans use.
        let render = Task(executorPreference: RenderThreads.shared) { [self] () -> PreparedLabels.Label? in
            guard let (order, parcel) = try? await self.parcel(orderId: orderId, parcelId: parcelId) else { return nil }
            let data = labelData(order, parcel, at: now, reprint: false, station: station)
            guard let bytes = try? renderLabel(parcel, data: data, format: format, printer: printer) else { return nil }
            return PreparedLabels.Label(parcel: parcel, data: data, format: format, bytes: bytes)
        }
        prepared.store(PreparedLabels.Key(orderId: orderId, parcelId: parcelId, printer: printer), render)
        return render
    }

    private func parcel(orderId: String?, parcelId: String?) async throws -> (Order, Parcel) {
        guard let orderId, let parcelId, let order = try await journal.order(id: orderId),
            let parcel = order.parcels.first(where: { $0.id == parcelId })
        else {
            throw LabelError("parcel", "\(orderId ?? "?")/\(parcelId ?? "?") is not in the journal")
        }
        return (order, parcel)
    }

    private func labelData(_ order: Order, _ parcel: Parcel, at now: Timestamp, reprint: Bool, station: String?) -> LabelData {
        LabelData(
            order: order, parcel: parcel, printedAt: now, utcOffsetSeconds: utcOffsetSeconds, reprint: reprint, station: station)
    }

    private func renderLabel(_ parcel: Parcel, data: LabelData, format: LabelFormat, printer: String) throws -> [UInt8] {
        let profile = config.profile(named: printer)
        return try LabelSource(catalog: catalog, renderer: LabelRenderer(settings: profile.settings)).render(
            parcel: parcel, templateOverride: nil, data: data, format: format, dpi: profile.dpi,
            media: (profile.widthMm, profile.heightMm)
        ).bytes
    }
}
