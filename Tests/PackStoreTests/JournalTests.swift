import Foundation
import PackTestSupport
import GRDB
import PackCore
@testable import PackStore
import Testing

@Suite struct JournalTests {
    let dir = TempDirectory()
    let t0 = Timestamp(millisecondsSinceEpoch: 1_795_334_400_000)

    func order(_ id: String, waybill: String, status: OrderStatus = .approved, _ lines: [(String, Int)]) -> Order {
        Order(
            id: id, status: status, approvedAt: t0, lines: lines.map { OrderLine(sku: $0.0, qty: $0.1) },
            parcels: [Parcel(id: "\(id)-1", waybill: waybill, lines: lines.map { ParcelLine(sku: $0.0, qty: $0.1) })])
    }

    func shipment(_ o: Order, station: String = "pack-01", id: String) -> ScanCommit {
        let key = ParcelKey(orderId: o.id, parcelId: o.parcels[0].id)
        let event = EventDraft(
            type: .parcelShipped, occurredAt: t0, station: station, operatorId: nil, orderId: o.id,
            parcelId: key.parcelId, waybill: o.parcels[0].waybill, items: o.parcels[0].lines
        ).identified(by: ULID(id)!)
        return ScanCommit(station: StationState(station: station), changes: [.ship(key)], events: [event])
    }

    @Test func importAddsThenReplacesAndTheBookFollows() async throws {
        let journal = try SQLiteJournal(directory: dir.path)
        let first = try await journal.importOrders([order("A", waybill: "W1", [("X", 1)]), order("B", waybill: "W2", [("Y", 2)])], at: t0)
        #expect(first == ImportSummary(added: 2, replaced: 0))
        let second = try await journal.importOrders([order("A", waybill: "W1", status: .cancelled, [("X", 1)])], at: t0)
        #expect(second == ImportSummary(added: 0, replaced: 1))
        let book = try await journal.loadBook()
        #expect(book.orderCount == 2)
        #expect(book.parcel(ParcelKey(orderId: "A", parcelId: "A-1"))?.orderStatus == .cancelled)
    }

    @Test func unknownFieldsSurviveTheJournal() async throws {
        let journal = try SQLiteJournal(directory: dir.path)
        let decoded = try OrderDecoder().decodeOrder(
            try JSONParser.parse(#"{"id": "A", "status": "approved", "waybill": "W", "lines": [{"sku": "X", "qty": 1}], "erp": {"bin": "B-7"}}"#))
        _ = try await journal.importOrders([decoded], at: t0)
        let body = try await journal.pool.read { db in try String.fetchOne(db, sql: "SELECT body FROM orders") }
        #expect(try JSONParser.parse(body ?? "")["erp"]?["bin"] == "B-7")
    }

    @Test func aWaybillOfAnotherOrderFailsTheWholeImport() async throws {
        let journal = try SQLiteJournal(directory: dir.path)
        _ = try await journal.importOrders([order("A", waybill: "W1", [("X", 1)])], at: t0)
        await #expect(throws: OrderFileError.self) {
            _ = try await journal.importOrders([order("B", waybill: "W2", [("X", 1)]), order("C", waybill: "w1", [("X", 1)])], at: t0)
        }
        do {
            _ = try await journal.importOrders([order("B", waybill: "W2", [("X", 1)]), order("C", waybill: "w1", [("X", 1)])], at: t0)
        } catch let error as OrderFileError {
            #expect(error.description == #"orders[1].parcels[0].waybill: "w1" already belongs to order A"#)
        }
        #expect(try await journal.loadBook().orderCount == 1)
    }

    @Test func anOrderIdDifferingOnlyInCaseIsRefused() async throws {
        let journal = try SQLiteJournal(directory: dir.path)
        _ = try await journal.importOrders([order("SO-1", waybill: "W1", [("X", 1)])], at: t0)
        await #expect(throws: OrderFileError.self) {
            _ = try await journal.importOrders([order("so-1", waybill: "W9", [("X", 1)])], at: t0)
        }
    }

    @Test func aShipmentWritesParcelEventAndLedgerTogether() async throws {
        let journal = try SQLiteJournal(directory: dir.path)
        let a = order("A", waybill: "W1", [("X", 2), ("Y", 1)])
        _ = try await journal.importOrders([a], at: t0)
        _ = try await journal.setStock(sku: "X", quantity: 10, at: t0, note: "count")
        try await journal.record(shipment(a, id: "01JD3Z8Q3V7K9Y0M5H2N4P6R8T"))
        let parcels = try await journal.parcelStates()
        #expect(parcels.map(\.state) == ["shipped"])
        #expect(parcels[0].shippedStation == "pack-01")
        let outbox = try await journal.outbox(limit: 10)
        #expect(outbox.map(\.id) == ["01JD3Z8Q3V7K9Y0M5H2N4P6R8T"])
        #expect(outbox[0].state == .applied)
        #expect(try JSONParser.parse(outbox[0].payload)["items"] == [["sku": "X", "qty": 2], ["sku": "Y", "qty": 1]])
        let levels = try await journal.stockLevels()
        #expect(levels.map(\.sku) == ["X", "Y"])
        #expect(levels.map(\.quantity) == [8, -1])
        let moves = try await journal.stockMovements(sku: "X", limit: 10)
        #expect(moves.map(\.delta) == [10, -2])
        #expect(moves.map(\.balance) == [10, 8])
        #expect(moves[1].reference == "01JD3Z8Q3V7K9Y0M5H2N4P6R8T")
    }

    @Test func remoteModeLeavesEventsPendingAndTheLedgerAlone() async throws {
        let journal = try SQLiteJournal(directory: dir.path, mode: .remote)
        let a = order("A", waybill: "W1", [("X", 2)])
        _ = try await journal.importOrders([a], at: t0)
        try await journal.record(shipment(a, id: "01JD3Z8Q3V7K9Y0M5H2N4P6R8T"))
        #expect(try await journal.outbox(limit: 10).map(\.state) == [.pending])
        #expect(try await journal.stockLevels().isEmpty)
    }

    @Test func shippingTwiceIsRefusedAndWritesNothing() async throws {
        let journal = try SQLiteJournal(directory: dir.path)
        let a = order("A", waybill: "W1", [("X", 1)])
        _ = try await journal.importOrders([a], at: t0)
        try await journal.record(shipment(a, id: "01JD3Z8Q3V7K9Y0M5H2N4P6R8T"))
        await #expect(throws: JournalError.alreadyShipped(ParcelKey(orderId: "A", parcelId: "A-1"))) {
            try await journal.record(shipment(a, station: "pack-02", id: "01JD3Z8Q3V7K9Y0M5H2N4P6R8V"))
        }
        #expect(try await journal.outbox(limit: 10).count == 1)
        #expect(try await journal.stockLevels().map(\.quantity) == [-1])
        #expect(try await journal.loadStation("pack-02") == nil)
    }

    @Test func stateSurvivesReopening() async throws {
        do {
            let journal = try SQLiteJournal(directory: dir.path)
            let a = order("A", waybill: "W1", [("X", 1)])
            let b = order("B", waybill: "W2", [("X", 1)])
            _ = try await journal.importOrders([a, b], at: t0)
            try await journal.record(shipment(a, id: "01JD3Z8Q3V7K9Y0M5H2N4P6R8T"))
            var station = StationState(station: "pack-02")
            station.operatorId = "op-3"
            station.open = OpenParcel(key: ParcelKey(orderId: "B", parcelId: "B-1"), waybill: "W2", verified: ["X": 0])
            try await journal.record(
                ScanCommit(station: station, changes: [.open(ParcelKey(orderId: "B", parcelId: "B-1"), station: "pack-02")], events: []))
        }
        let reopened = try SQLiteJournal(directory: dir.path)
        let book = try await reopened.loadBook()
        #expect(book.parcel(ParcelKey(orderId: "A", parcelId: "A-1"))?.shipped == true)
        #expect(book.parcel(ParcelKey(orderId: "B", parcelId: "B-1"))?.openAt == "pack-02")
        let station = try await reopened.loadStation("pack-02")
        #expect(station?.operatorId == "op-3")
        #expect(station?.open?.key.orderId == "B")
        #expect(try await reopened.integrityCheck() == "ok")
    }

    @Test func theLedgerIsAppendOnly() async throws {
        let journal = try SQLiteJournal(directory: dir.path)
        _ = try await journal.setStock(sku: "X", quantity: 5, at: t0, note: nil)
        await #expect(throws: DatabaseError.self) {
            try await journal.pool.write { db in try db.execute(sql: "UPDATE stock_ledger SET delta = 500") }
        }
        await #expect(throws: DatabaseError.self) {
            try await journal.pool.write { db in try db.execute(sql: "DELETE FROM stock_ledger") }
        }
        #expect(try await journal.stockLevels().map(\.quantity) == [5])
    }

    @Test func aStockCountRecordsTheDifference() async throws {
        let journal = try SQLiteJournal(directory: dir.path)
        #expect(try await journal.setStock(sku: "X", quantity: 5, at: t0, note: "first").delta == 5)
        let again = try await journal.setStock(sku: "X", quantity: 3, at: t0, note: "recount")
        #expect(again.delta == -2)
        #expect(again.balance == 3)
        #expect(again.kind == .count)
    }

    @Test func theJournalIsInWALModeWithFullSync() async throws {
        let journal = try SQLiteJournal(directory: dir.path)
        let (mode, sync) = try await journal.pool.write { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"))
        }
        #expect(mode == "wal")
        #expect(sync == 2)  // FULL
    }

    @Test func concurrentCommitsShareTransactions() async throws {
        let journal = try SQLiteJournal(directory: dir.path)
        let orders = (0..<50).map { order("O\($0)", waybill: "W\($0)", [("X", 1)]) }
        _ = try await journal.importOrders(orders, at: t0)
        // Hold the writer so that every commit queues up behind the first.
        let gate = AsyncGate()
        let holder = Task {
            try await journal.pool.write { _ in gate.waitBlocking() }
        }
        var ids = ULIDGenerator(rng: SplitMix64(seed: 3))
        let commits = orders.map { shipment($0, id: ids.next(at: t0).description) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for commit in commits { group.addTask { try await journal.record(commit) } }
            // Every commit is queued, and the first batch is waiting for the writer.
            try await waitUntil("every commit queued") {
                let p = journal.committer.pending
                return p.inFlight > 0 && p.queued + p.inFlight == commits.count
            }
            gate.open()
            try await group.waitForAll()
        }
        try await holder.value
        let stats = journal.commitStatistics()
        #expect(stats.commits == 50)
        #expect(stats.transactions <= 2)  // the first batch, then everything that queued behind it
        #expect(try await journal.parcelStates().allSatisfy { $0.state == "shipped" })
        #expect(try await journal.outbox(limit: 100).count == 50)
    }

    /// A bad commit fails alone among those queued before it; the ones queued after
    /// it were decided on memory that held it, so they are refused, never written
    /// after it failed.
    @Test func aBadCommitFailsTheOnesAfterItNotTheOnesBefore() async throws {
        let journal = try SQLiteJournal(directory: dir.path)
        let a = order("A", waybill: "W1", [("X", 1)])
        let b = order("B", waybill: "W2", [("X", 1)])
        let c = order("C", waybill: "W3", [("X", 1)])
        _ = try await journal.importOrders([a, b, c], at: t0)
        let gate = AsyncGate()
        let holder = Task { try await journal.pool.write { _ in gate.waitBlocking() } }
        // A first commit takes the writer's place in line; the next three queue behind it
        // and so share one transaction, in which the bad one fails.
        let first = journal.enqueue(shipment(c, id: "01JD3Z8Q3V7K9Y0M5H2N4P6R8S"))
        try await waitUntil("the first commit in flight") { journal.committer.pending.inFlight > 0 }
        let good = journal.enqueue(shipment(a, id: "01JD3Z8Q3V7K9Y0M5H2N4P6R8T"))
        let bad = journal.enqueue(shipment(order("Z", waybill: "W9", [("X", 1)]), id: "01JD3Z8Q3V7K9Y0M5H2N4P6R8V"))
        let good2 = journal.enqueue(shipment(b, id: "01JD3Z8Q3V7K9Y0M5H2N4P6R8W"))
        #expect(journal.committer.pending.queued == 3)
        gate.open()
        try await first.wait()
        try await good.wait()
        await #expect(throws: JournalError.unknownParcel(ParcelKey(orderId: "Z", parcelId: "Z-1"))) { try await bad.wait() }
        await #expect(throws: JournalError.earlierCommitFailed) { try await good2.wait() }
        try await holder.value
        #expect(try await journal.outbox(limit: 10).count == 2)
        #expect(try await journal.parcelStates(orderId: "B").map(\.state) == ["pending"])
        #expect(journal.failedCommits == 1)
        #expect(journal.committer.refused == 1)
    }
}

extension JournalTests {
    /// A decision made before a failure it did not see is refused even when it
    /// reaches the writer later; one made after is written.
    @Test func aDecisionMadeBeforeAnUnseenFailureIsRefused() async throws {
        let journal = try SQLiteJournal(directory: dir.path)
        let a = order("A", waybill: "W1", [("X", 1)])
        let b = order("B", waybill: "W2", [("X", 1)])
        _ = try await journal.importOrders([a, b], at: t0)
        let failing = journal.enqueue(shipment(order("Z", waybill: "W9", [("X", 1)]), id: "01JD3Z8Q3V7K9Y0M5H2N4P6R9A"))
        await #expect(throws: (any Error).self) { try await failing.wait() }
        #expect(journal.failedCommits == 1)
        var stale = shipment(a, id: "01JD3Z8Q3V7K9Y0M5H2N4P6R9B")
        stale.decidedAfterFailures = 0
        await #expect(throws: JournalError.earlierCommitFailed) { try await journal.record(stale) }
        var current = shipment(b, id: "01JD3Z8Q3V7K9Y0M5H2N4P6R9C")
        current.decidedAfterFailures = 1
        try await journal.record(current)
        #expect(try await journal.parcelStates().map(\.state) == ["pending", "shipped"])
        #expect(journal.failedCommits == 1)
    }
}

/// A one-shot gate a blocking GRDB closure can wait on.
final class AsyncGate: @unchecked Sendable {
    private let condition = NSCondition()
    private var isOpen = false

    func open() {
        condition.lock()
        isOpen = true
        condition.broadcast()
        condition.unlock()
    }

    /// Waits for `open`, or 30 seconds (then the test's own expectations fail).
    func waitBlocking() {
        let deadline = Date().addingTimeInterval(30)
        condition.lock()
        while !isOpen, condition.wait(until: deadline) {}
        condition.unlock()
    }
}

/// Waits until `condition` holds, for at most `seconds`; throws after that, naming `what`.
/// The bound is generous: the suite runs beside browser and daemon tests that keep
/// the two cooperative threads busy, and a starved wait is not a failure.
func waitUntil(_ what: String, seconds: Double = 60, _ condition: () -> Bool) async throws {
    let deadline = Date().addingTimeInterval(seconds)
    while !condition() {
        guard Date() < deadline else { throw WaitTimeout(what: what, seconds: seconds) }
        try await Task.sleep(for: .milliseconds(1))
    }
}

struct WaitTimeout: Error, CustomStringConvertible {
    var what: String
    var seconds: Double
    var description: String { "\(what): not within \(seconds) s" }
}
