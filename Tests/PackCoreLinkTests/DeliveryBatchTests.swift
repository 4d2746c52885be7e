import Foundation
import PackTestSupport
import PackCore
import PackStore
import Testing

/// Which events the journal offers for delivery: journal order, nothing
/// overtaking within an order, other orders unaffected.
@Suite struct DeliveryBatchTests {
    let temp = TempDirectory("batch")
    var dir: String { temp.path }
    let t0 = Timestamp(millisecondsSinceEpoch: 1_795_334_400_000)

    func journal(_ events: [(order: String, parcel: String)]) async throws -> SQLiteJournal {
        let journal = try SQLiteJournal(directory: dir, mode: .remote)
        var ids = ULIDGenerator(rng: SystemRandomNumberGenerator())
        let drafts = events.map {
            EventDraft(type: .parcelShipped, occurredAt: t0, station: "pack-01", operatorId: nil, orderId: $0.order, parcelId: $0.parcel)
                .identified(by: ids.next(at: t0))
        }
        try await journal.record(ScanCommit(station: nil, changes: [], events: drafts))
        return journal
    }

    @Test func eventsComeInJournalOrderUpToTheLimit() async throws {
        let j = try await journal([("A", "A-1"), ("B", "B-1"), ("A", "A-2"), ("C", "C-1")])
        let batch = try await j.deliveryBatch(limit: 3, now: t0)
        #expect(batch.events.map(\.payload).map { $0.contains("\"parcelId\":\"A-1\"") } == [true, false, false])
        #expect(batch.events.map(\.orderId) == ["A", "B", "A"])
        #expect(batch.nextDue == nil)
    }

    @Test func anOrderBackingOffHoldsItsLaterEventsButNotOtherOrders() async throws {
        let j = try await journal([("A", "A-1"), ("B", "B-1"), ("A", "A-2")])
        let first = try await j.deliveryBatch(limit: 1, now: t0)
        let later = Timestamp(millisecondsSinceEpoch: t0.millisecondsSinceEpoch + 5_000)
        try await j.markRetry(first.events.map(\.seq), error: "HTTP 500", nextAttemptAt: later)
        let meanwhile = try await j.deliveryBatch(limit: 10, now: t0)
        #expect(meanwhile.events.map(\.orderId) == ["B"], "A-2 must not overtake A-1")
        #expect(meanwhile.nextDue == later)
        let afterwards = try await j.deliveryBatch(limit: 10, now: later)
        #expect(afterwards.events.map(\.orderId) == ["A", "B", "A"])
        #expect(afterwards.events.first?.attempts == 1)
    }

    @Test func aDeadLetterHoldsItsOrderUntilRetriedOrDropped() async throws {
        let j = try await journal([("A", "A-1"), ("A", "A-2"), ("B", "B-1")])
        let all = try await j.deliveryBatch(limit: 10, now: t0)
        try await j.markDead(all.events[0].seq, status: 422, response: "no such SKU", at: t0)
        #expect(try await j.deliveryBatch(limit: 10, now: t0).events.map(\.orderId) == ["B"])
        let letters = try await j.deadLetters()
        #expect(letters.count == 1 && letters[0].held == 1 && letters[0].status == 422 && letters[0].response == "no such SKU")
        // An id that is not a dead letter refuses the whole request, in its transaction.
        await #expect(throws: NotDeadLetters(ids: ["nope"], firstIndex: 1)) {
            try await j.retryDeadLetters(ids: [letters[0].id, "nope"])
        }
        #expect(try await j.deadLetters().count == 1)
        #expect(try await j.retryDeadLetters(ids: [letters[0].id]) == [letters[0].id])
        #expect(try await j.deliveryBatch(limit: 10, now: t0).events.map(\.orderId) == ["A", "A", "B"])
        try await j.markDead(all.events[0].seq, status: 422, response: "again", at: t0)
        #expect(try await j.dropDeadLetters(ids: nil, reason: "booked by hand", at: t0).count == 1)
        #expect(try await j.deliveryBatch(limit: 10, now: t0).events.map(\.orderId) == ["A", "B"])
        #expect(try await j.outboxCounts()[.dropped] == 1)
    }

    @Test func deliveredEventsAreNotOfferedAgain() async throws {
        let j = try await journal([("A", "A-1"), ("B", "B-1")])
        let batch = try await j.deliveryBatch(limit: 10, now: t0)
        try await j.markDelivered(batch.events.map(\.seq), at: t0)
        #expect(try await j.deliveryBatch(limit: 10, now: t0).events.isEmpty)
        #expect(try await j.outboxBacklog().pending == 0)
        // Marking again (a second answer to a resent batch) changes nothing.
        try await j.markDelivered(batch.events.map(\.seq), at: t0)
        try await j.markDead(batch.events[0].seq, status: 400, response: "", at: t0)
        #expect(try await j.outboxCounts()[.delivered] == 2)
    }
}
