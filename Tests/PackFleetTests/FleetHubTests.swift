import Foundation
import PackCore
import PackDaemon
import PackFleet
import PackStore
import PackTestRequirements
import PackTestSupport
import Testing

/// Station hubs on journals of their own, standing for the packd of a fleet, on
/// one shared store: whatever each one's book believes, the store decides.
@Suite(.requires(FleetStore.inProcess, "PostgreSQL 15"))
struct FleetHubTests {
    @Test func stationsOfManyPackdNeverClaimTheSameOrder() async throws {
        guard let store = try await FleetStore.make() else { return }
        let nodes = 5
        let stationsPerNode = 4
        let orders = (0..<300).map { FleetOrders.single("C\($0)", sku: "MUG", approvedAt: Int64($0)) }
        var journals: [PostgresJournal] = []
        for n in 0..<nodes { journals.append(try await store.journal(node: "pc-\(n)")) }
        _ = try await journals[0].importOrders(orders, at: FleetStore.t0)
        _ = try await journals[0].setStock(sku: "MUG", quantity: 1000, at: FleetStore.t0, note: "count")
        var hubs: [StationHub] = []
        var listeners: [Task<Void, Never>] = []
        // Every book is loaded before anyone claims: each believes all 300 are free.
        for journal in journals {
            let hub = try await StationHub(journal: journal, config: PackConfig())
            hubs.append(hub)
            listeners.append(try await FleetFollowing.start(journal: journal, hub: hub))
        }
        defer { for listener in listeners { listener.cancel() } }
        let claims = try await withThrowingTaskGroup(of: [String].self) { group in
            for (n, hub) in hubs.enumerated() {
                for s in 0..<stationsPerNode {
                    group.addTask {
                        var mine: [String] = []
                        var k: Int64 = 0
                        while true {
                            k += 1
                            let decision = try await hub.handle(
                                Scan(code: "MUG", device: "pc-\(n)-\(s)", atMs: k * 1000), station: "pc-\(n)-st-\(s)",
                                now: FleetStore.t0)
                            switch decision.outcome.kind {
                            case .singleItemClaimed: mine.append(decision.outcome.order!)
                            case .noPendingOrder: return mine
                            default: Issue.record("unexpected \(decision.outcome.kind)"); return mine
                            }
                        }
                    }
                }
            }
            return try await group.reduce(into: [String]()) { $0 += $1 }
        }
        #expect(claims.count == 300)
        #expect(Set(claims).count == 300)
        #expect(try store.sql("SELECT count(*) FROM parcels WHERE state = 'shipped'") == "300")
        #expect(try store.sql("SELECT count(DISTINCT parcel_id) || '/' || count(*) FROM outbox WHERE type = 'parcel.shipped'") == "300/300")
        #expect(try store.sql("SELECT quantity FROM stock_levels WHERE sku = 'MUG'") == "700")
        #expect(try store.sql("SELECT count(*) FROM stock_ledger WHERE sku = 'MUG' AND kind = 'shipment'") == "300")
        for listener in listeners { listener.cancel() }
        for journal in journals { await journal.close() }
    }

    @Test func aCancellationThroughAnotherPackdInterceptsTheCompletingScan() async throws {
        guard let store = try await FleetStore.make() else { return }
        let a = try await store.journal(node: "pc-a")
        let b = try await store.journal(node: "pc-b")
        _ = try await a.importOrders([FleetOrders.multi("M1", [("MUG", 2)])], at: FleetStore.t0)
        let hubA = try await StationHub(journal: a, config: PackConfig())
        let hubB = try await StationHub(journal: b, config: PackConfig())
        // No notifications here: pc-a learns of the cancellation only from the store's refusal.
        func scan(_ hub: StationHub, _ code: String, _ station: String, _ at: Int64) async throws -> OutcomeKind {
            try await hub.handle(Scan(code: code, device: station, atMs: at), station: station, now: FleetStore.t0).outcome.kind
        }
        #expect(try await scan(hubA, "WBM1", "st-a", 1000) == .parcelOpened)
        #expect(try await scan(hubA, "MUG", "st-a", 2000) == .itemVerified)
        // Another PC's station cannot take the open parcel: it hears where it is.
        #expect(try await scan(hubB, "WBM1", "st-b", 1000) == .parcelOpenElsewhere)
        _ = try await hubB.upsert([FleetOrders.multi("M1", status: .cancelled, [("MUG", 2)])], at: FleetStore.t0)
        // pc-a's book still says approved; the store refuses the shipment and the
        // scan is decided again on what it holds.
        #expect(try await scan(hubA, "MUG", "st-a", 3000) == .intercepted)
        #expect(try store.sql("SELECT state FROM parcels WHERE order_id = 'M1'") == "pending")
        #expect(try store.sql("SELECT string_agg(type, ',' ORDER BY seq) FROM outbox") == "order.intercepted")
        #expect(try store.sql("SELECT count(*) FROM stock_ledger") == "0")
        await a.close()
        await b.close()
    }
}

/// What a packd hears of another's commits: an import names the order (read
/// it); a scan's commit carries its parcels' new states, so following it needs
/// no read of the store.
@Suite(.requires(FleetStore.inProcess, "PostgreSQL 15"))
struct FleetNotificationTests {
    @Test func aCommitCarriesItsParcelsNewStatesAndAnImportNamesTheOrder() async throws {
        guard let store = try await FleetStore.make() else { return }
        let a = try await store.journal(node: "pc-a")
        let b = try await store.journal(node: "pc-b")
        let read = Shared<[String]>([])
        let states = Shared<[[ParcelKey: ParcelState]]>([])
        let listener = FleetListener(
            journal: b, changed: { ids in read.withLock { $0 += ids } }, resynchronize: {},
            restated: { new in states.withLock { $0.append(new) } })
        let task = Task { await listener.run() }
        defer { task.cancel() }
        let deadline = ContinuousClock.now + .seconds(10)
        func wait(_ what: String, until done: () -> Bool) async throws {
            while !done() {
                guard ContinuousClock.now < deadline else { throw PostgresSetupError("not heard within 10 s: \(what)") }
                try await Task.sleep(for: .milliseconds(5))
            }
        }
        try await wait("listening") { listener.isListening }
        _ = try await a.importOrders([FleetOrders.single("N1", sku: "MUG", approvedAt: 1)], at: FleetStore.t0)
        try await wait("the import") { read.withLock { $0 } == ["N1"] }
        let key = ParcelKey(orderId: "N1", parcelId: "N1-1")
        try await a.record(ScanCommit(station: nil, changes: [.open(key, station: "st-a")], events: []))
        try await wait("the open parcel") { states.withLock { $0.count } == 1 }
        try await a.record(ScanCommit(station: nil, changes: [.release(key, station: "st-a")], events: []))
        try await wait("the released parcel") { states.withLock { $0.count } == 2 }
        #expect(states.withLock { $0 } == [[key: .open(station: "st-a")], [key: .pending]])
        // Nothing of the commits needed a read; b's own commits are not announced to b.
        try await b.record(ScanCommit(station: nil, changes: [.open(key, station: "st-b")], events: []))
        _ = try await a.importOrders([FleetOrders.single("N2", sku: "MUG", approvedAt: 2)], at: FleetStore.t0)
        try await wait("the second import") { read.withLock { $0 }.count == 2 }
        #expect(read.withLock { $0 } == ["N1", "N2"])
        #expect(states.withLock { $0 }.count == 2)
        task.cancel()
        await a.close()
        await b.close()
    }
}

enum FleetFollowing {
    /// A hub following the store's notifications, as `packd run` wires it; returns
    /// once the listener is in place (within 10 s).
    static func start(journal: PostgresJournal, hub: StationHub) async throws -> Task<Void, Never> {
        let listener = FleetListener(
            journal: journal, changed: { ids in try? await hub.follow(orderIds: ids) },
            resynchronize: { await hub.resynchronize() }, restated: { await hub.restate($0) })
        let task = Task { await listener.run() }
        let deadline = ContinuousClock.now + .seconds(10)
        while !listener.isListening {
            guard ContinuousClock.now < deadline else { throw PostgresSetupError("the listener did not start") }
            try await Task.sleep(for: .milliseconds(10))
        }
        return task
    }
}
