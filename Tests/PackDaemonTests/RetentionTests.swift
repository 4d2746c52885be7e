import Foundation
import PackTestSupport
import PackCore
import PackDaemon
import PackStore
import PackTestRequirements
import Testing

/// A daemon that runs for months: finished orders leave memory, the journal
/// lets go of what is delivered, and nothing still needed goes with them.
@Suite(.offCooperativePool) struct RetentionTests {
    let temp = TempDirectory("retention")
    var dir: String { temp.path }
    let t0 = Timestamp(millisecondsSinceEpoch: 1_795_334_400_000)
    let hour: Int64 = 3_600_000


    func order(_ id: String, status: OrderStatus = .approved) -> Order {
        Order(
            id: id, status: status, approvedAt: t0, lines: [OrderLine(sku: "SKU-\(id)", qty: 1)],
            parcels: [Parcel(id: "\(id)-1", waybill: "W-\(id)", lines: [ParcelLine(sku: "SKU-\(id)", qty: 1)])])
    }

    func ship(_ hub: StationHub, _ id: String, at time: Timestamp) async throws {
        #expect(try await hub.handle(Scan(code: "W-\(id)", device: "d", atMs: time.millisecondsSinceEpoch), station: "s", now: time).outcome.kind == .parcelOpened)
        #expect(try await hub.handle(Scan(code: "SKU-\(id)", device: "d", atMs: time.millisecondsSinceEpoch + 1), station: "s", now: time).outcome.kind == .parcelCompleted)
    }

    @Test func finishedOrdersLeaveTheBookAfterTheRetentionAndLiveOnesStay() async throws {
        let journal = try SQLiteJournal(directory: dir)
        _ = try await journal.importOrders(["OLD", "RECENT", "LIVE"].map { order($0) } + [order("GONE", status: .cancelled)], at: t0)
        let hub = try await StationHub(journal: journal, config: PackConfig(), retention: .seconds(3600), now: t0)
        try await ship(hub, "OLD", at: t0)
        try await ship(hub, "RECENT", at: t0.adding(milliseconds: 90 * 60_000))
        let later = t0.adding(milliseconds: 2 * hour)
        let (before, after) = try await hub.compact(now: later)
        #expect(before == 4)
        #expect(after == 2)  // RECENT (shipped 30 min before the cutoff's end) and LIVE
        var at = later.millisecondsSinceEpoch
        func outcome(_ code: String) async throws -> OutcomeKind {
            at += 1000
            return try await hub.handle(Scan(code: code, device: "x", atMs: at), station: "t", now: later).outcome.kind
        }
        #expect(try await outcome("W-RECENT") == .alreadyShipped)
        #expect(try await outcome("PACKD:ACK") == .acknowledged)
        #expect(try await outcome("W-OLD") == .unknownCode)
        #expect(try await outcome("PACKD:ACK") == .acknowledged)
        #expect(try await outcome("W-LIVE") == .parcelOpened)
        // A restart loads the same book.
        let restarted = try await StationHub(journal: journal, config: PackConfig(), retention: .seconds(3600), now: later)
        #expect(await restarted.orderCount == 2)
    }

    @Test func theJournalPrunesWhatIsDeliveredAndKeepsTheLedger() async throws {
        let journal = try SQLiteJournal(directory: dir)
        _ = try await journal.setStock(sku: "SKU-A", quantity: 10, at: t0, note: nil)
        _ = try await journal.importOrders([order("A"), order("B")], at: t0)
        let hub = try await StationHub(journal: journal, config: PackConfig())
        try await ship(hub, "A", at: t0)
        let before = try await journal.outbox(limit: 100).count
        #expect(before == 1)
        let pruned = try await journal.prune(before: t0.adding(milliseconds: 1))
        #expect(pruned.events == 1)
        #expect(pruned.orders == 1)  // A: shipped, its event applied; B still waits
        #expect(try await journal.outbox(limit: 100).isEmpty)
        #expect(try await journal.order(id: "A") == nil)
        #expect(try await journal.order(id: "B") != nil)
        #expect(try await journal.stockLevels().first { $0.sku == "SKU-A" }?.quantity == 9)
        #expect(try await journal.integrityCheck() == "ok")
    }
}
