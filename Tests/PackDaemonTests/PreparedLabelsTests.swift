import Foundation
import PackTestSupport
import PackCore
import PackDaemon
import PackLabels
import PackStore
import PackTestRequirements
import Testing

/// A label rendered while its parcel is packed is printed only when it is the
/// label a render at print time would give; anything else is rendered again.
@Suite(.offCooperativePool, .serialized)
struct PreparedLabelsTests {
    let temp = TempDirectory("prepared")
    var dir: String { temp.path }
    /// On a minute: the print time shown on the label is to the minute.
    let t0 = Timestamp(millisecondsSinceEpoch: 1_795_334_400_000)

    func config() -> PackConfig {
        var config = PackConfig()
        config.stationPrinters["pack-01"] = "label-1"
        config.printers["label-1"] = PrinterProfile(name: "label-1", queue: "zebra1", language: .zpl, darkness: 20)
        return config
    }

    func request(format: String = "zpl", reprint: Bool = false, station: String = "pack-01") -> PrintRequest {
        PrintRequest(
            id: "01JD0000000000000000000001", printer: "label-1", station: station, orderId: "SO-7", parcelId: "SO-7-1",
            reprint: reprint, format: format, document: nil, createdAt: t0)
    }

    func order(waybill: String = "JD0088776655") -> Order {
        var order = StationPrintingTests.order
        order.parcels[0].waybill = waybill
        return order
    }

    /// A journal holding the order, and a renderer that renders ahead.
    func renderer() async throws -> (ParcelLabelRenderer, SQLiteJournal) {
        let journal = try SQLiteJournal(directory: dir)
        _ = try await journal.importOrders([order()], at: t0)
        let renderer = ParcelLabelRenderer(journal: journal, config: config(), utcOffsetSeconds: 8 * 3600, prepared: PreparedLabels())
        return (renderer, journal)
    }

    @discardableResult
    func prepare(_ renderer: ParcelLabelRenderer, format: LabelFormat = .zpl) -> Task<PreparedLabels.Label?, Never>? {
        renderer.prepare(orderId: "SO-7", parcelId: "SO-7-1", printer: "label-1", format: format, station: "pack-01", at: t0)
    }

    @Test func aLabelRenderedAheadIsTheLabelRenderedAtPrintTime() async throws {
        let (renderer, journal) = try await renderer()
        #expect(await prepare(renderer)?.value != nil)
        let printed = try await renderer.render(request(), at: t0.adding(milliseconds: 30_000))
        #expect(printed.renderedAhead)
        let fresh = try await ParcelLabelRenderer(journal: journal, config: config(), utcOffsetSeconds: 8 * 3600)
            .render(request(), at: t0.adding(milliseconds: 30_000))
        #expect(!fresh.renderedAhead)
        #expect(printed.bytes == fresh.bytes)
        #expect(String(decoding: printed.bytes, as: UTF8.self).contains("^FDJD0088776655^FS"))
        // Handed out once: the next label of the parcel (a reprint) is rendered.
        #expect(renderer.prepared?.count == 0)
        #expect(try await !renderer.render(request(), at: t0).renderedAhead)
    }

    @Test func aWaybillChangedWhileThePackerPacksPrintsTheNewWaybill() async throws {
        let (renderer, journal) = try await renderer()
        // Rendered with the first waybill; then the ERP changes it.
        let ahead = try #require(await prepare(renderer)?.value)
        #expect(String(decoding: ahead.bytes, as: UTF8.self).contains("^FDJD0088776655^FS"))
        _ = try await journal.importOrders([order(waybill: "JD0099887766")], at: t0.adding(milliseconds: 5_000))
        let printed = try await renderer.render(request(), at: t0.adding(milliseconds: 10_000))
        #expect(!printed.renderedAhead)
        let zpl = String(decoding: printed.bytes, as: UTF8.self)
        #expect(zpl.contains("^FDJD0099887766^FS"))
        #expect(!zpl.contains("JD0088776655"))
    }

    @Test func anotherMinuteAReprintAnotherStationOrFormatIsRenderedAgain() async throws {
        let (renderer, _) = try await renderer()
        let laterMinute = t0.adding(milliseconds: 60_000)
        for (request, at) in [
            (request(), laterMinute), (request(reprint: true), t0), (request(station: "pack-02"), t0), (request(format: "tspl"), t0),
        ] {
            prepare(renderer)
            let printed = try await renderer.render(request, at: at)
            #expect(!printed.renderedAhead, "\(request) at \(at)")
        }
    }

    @Test func onlyPrinterLanguagesAreRenderedAhead() async throws {
        let (renderer, _) = try await renderer()
        prepare(renderer, format: .png)
        prepare(renderer, format: .pdf)
        #expect(renderer.prepared?.count == 0)
        prepare(renderer, format: .tspl)
        #expect(renderer.prepared?.count == 1)
    }

    @Test func aParcelThatIsNotInTheJournalIsRenderedAtPrintTimeAndFailsThere() async throws {
        let (renderer, _) = try await renderer()
        let ahead = renderer.prepare(orderId: "NOPE", parcelId: "NOPE-1", printer: "label-1", format: .zpl, station: "pack-01", at: t0)
        #expect(await ahead?.value == nil)
        var missing = request()
        missing.orderId = "NOPE"
        missing.parcelId = "NOPE-1"
        await #expect(throws: LabelError.self) { try await renderer.render(missing, at: t0) }
    }

    @Test func parcelsOpenedAndNeverCompletedDoNotPileUp() {
        let prepared = PreparedLabels(capacity: 2)
        func key(_ n: Int) -> PreparedLabels.Key { PreparedLabels.Key(orderId: "SO-\(n)", parcelId: "SO-\(n)-1", printer: "p") }
        let none = Task<PreparedLabels.Label?, Never> { nil }
        for n in 1...3 { prepared.store(key(n), none) }
        #expect(prepared.count == 2)
        #expect(prepared.take(key(1)) == nil)
        // Stored again, a parcel is the newest, not a second entry.
        prepared.store(key(2), none)
        prepared.store(key(4), none)
        #expect(prepared.count == 2)
        #expect(prepared.take(key(3)) == nil)
        #expect(prepared.take(key(2)) != nil)
        #expect(prepared.take(key(2)) == nil)
        #expect(prepared.take(key(4)) != nil)
        #expect(prepared.count == 0)
    }
}
