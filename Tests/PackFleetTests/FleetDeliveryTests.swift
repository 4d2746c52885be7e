import Foundation
import PackCore
import PackFleet
import PackStore
import PackTestRequirements
import PackTestSupport
import Synchronization
import Testing

/// The shared outbox: one packd of the fleet delivers it, in order per order.
@Suite(.requires(FleetStore.inProcess, "PostgreSQL 15"))
struct FleetDeliveryTests {
    static func shipped(_ order: String, _ n: Int) -> OutboundEvent {
        OutboundEvent(
            id: "EV-\(order)-\(n)",
            draft: EventDraft(
                type: n == 0 ? .parcelShipped : .parcelAbandoned, occurredAt: FleetStore.t0, station: "st", operatorId: nil,
                orderId: order, parcelId: "\(order)-1"))
    }

    @Test func aDeadLetterHoldsLaterEventsOfItsOrderOnly() async throws {
        guard let store = try await FleetStore.make() else { return }
        let journal = try await store.journal(node: "pc-1", mode: .remote)
        for order in ["A", "B"] {
            try await journal.record(ScanCommit(station: nil, changes: [], events: [Self.shipped(order, 0), Self.shipped(order, 1)]))
        }
        let first = try await journal.deliveryBatch(limit: 10, now: FleetStore.t0)
        #expect(first.events.map(\.id) == ["EV-A-0", "EV-A-1", "EV-B-0", "EV-B-1"])
        try await journal.markDead(first.events[0].seq, status: 422, response: "no such SKU", at: FleetStore.t0)
        try await journal.markDelivered([first.events[2].seq], at: FleetStore.t0)
        let second = try await journal.deliveryBatch(limit: 10, now: FleetStore.t0)
        #expect(second.events.map(\.id) == ["EV-B-1"])
        try await journal.markRetry([second.events[0].seq], error: "HTTP 503", nextAttemptAt: FleetStore.t0.adding(milliseconds: 5000))
        let third = try await journal.deliveryBatch(limit: 10, now: FleetStore.t0)
        #expect(third.events.isEmpty)
        #expect(third.nextDue == FleetStore.t0.adding(milliseconds: 5000))
        let backlog = try await journal.outboxBacklog()
        #expect(backlog.pending == 2 && backlog.dead == 1)
        await journal.close()
    }

    @Test func oneDeliversAtATimeAndAnotherTakesOverWhenItDies() async throws {
        guard let store = try await FleetStore.make() else { return }
        let nodes = ["pc-1", "pc-2", "pc-3"]
        var journals: [PostgresJournal] = []
        for node in nodes { journals.append(try await store.journal(node: node)) }
        let delivering = Shared<[String]>([])
        let log = Shared<[String]>([])
        var leases: [Task<Void, Never>] = []
        for (node, journal) in zip(nodes, journals) {
            let lease = FleetDeliveryLease(journal: journal, retry: .milliseconds(200))
            leases.append(
                Task {
                    await lease.run {
                        delivering.withLock { $0.append(node) }
                        log.withLock { $0.append(node) }
                        // Delivers until the lease is lost.
                        while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(20)) }
                        delivering.withLock { $0.removeAll { $0 == node } }
                    }
                })
        }
        func waitFor(_ what: String, _ condition: () -> Bool) async throws {
            let deadline = ContinuousClock.now + .seconds(20)
            while !condition() {
                guard ContinuousClock.now < deadline else { throw PostgresSetupError("timed out waiting for \(what)") }
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        try await waitFor("a holder") { delivering.withLock { $0.count } == 1 }
        let holder = delivering.withLock { $0[0] }
        // The holder dies: its connection goes (the server releases the lock) and it
        // never comes back.
        // Only this test's database: the other tests' connections share the server
        // (their migrations hold advisory locks too; terminating those made them fail).
        try store.sql(
            """
            SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted
              AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """)
        leases[nodes.firstIndex(of: holder)!].cancel()
        try await waitFor("another holder") { delivering.withLock { $0.count == 1 && $0[0] != holder } }
        // Never two at once.
        for _ in 0..<20 {
            #expect(delivering.withLock { $0.count } <= 1)
            try await Task.sleep(for: .milliseconds(25))
        }
        for lease in leases { lease.cancel() }
        for lease in leases { await lease.value }
        for journal in journals { await journal.close() }
    }
}

