import Foundation
import PackCore
import PackFleet
import PackStore
import PackTestRequirements
import PackTestSupport
import Testing

/// The shared store on its own: schema, orders, and the transitions it decides.
@Suite(.requires(FleetStore.inProcess, "PostgreSQL 15"))
struct FleetJournalTests {
    @Test func addressesAreCheckedAndNeverHoldAPassword() throws {
        let address = try PostgresAddress(url: "postgres://packd@db.example:5433/packd?sslmode=require", password: "s3cret")
        #expect(address.host == "db.example" && address.port == 5433 && address.user == "packd" && address.database == "packd")
        #expect(address.tls == .require && address.password == "s3cret")
        #expect(address.description == "postgres://packd@db.example:5433/packd")
        for (url, says) in [
            ("mysql://a@b/c", "postgres:// URL"), ("postgres://b/c", "no user"), ("postgres://a@b", "no database"),
            ("postgres://a:pw@b/c", "password_file"), ("postgres://a@b/c?sslmode=maybe", "sslmode \"maybe\""),
            ("postgres://a@b/c?timeout=3", "unknown parameter"), ("postgres://a@:5432/c", "no host"),
        ] {
            #expect(throws: PostgresAddressError.self) { try PostgresAddress(url: url, password: nil) }
            do {
                _ = try PostgresAddress(url: url, password: nil)
            } catch {
                #expect(error.description.contains(says), "\(url): \(error)")
            }
        }
    }

    @Test func migrationsRunOnceAndANewerStoreIsRefused() async throws {
        guard let store = try await FleetStore.make() else { return }
        let first = try await store.journal(node: "pc-1")
        let second = try await store.journal(node: "pc-2")
        #expect(try store.sql("SELECT count(*) FROM packd_migrations") == "6")
        // v5's function is v3's with its notifications returned, not sent.
        let v5 = try store.sql("SELECT prosrc FROM pg_proc WHERE proname = 'packd_commit_notes'")
        #expect(v5.contains("RETURN notes_;") && v5.contains("notes_ := notes_ || note_;") && !v5.contains("pg_notify"))
        #expect(try store.sql("SELECT prosrc FROM pg_proc WHERE proname = 'packd_commit'").contains("pg_notify"))
        // v6's procedure commits before it answers.
        #expect(try store.sql("SELECT prokind FROM pg_proc WHERE proname = 'packd_commit_durably'") == "p")
        await first.close()
        await second.close()
        try store.sql("INSERT INTO packd_migrations (name) VALUES ('v99: from the future')")
        await #expect(throws: FleetStoreError.newerSchema("v99: from the future")) {
            _ = try await store.journal(node: "pc-3")
        }
    }

    @Test func ordersRoundTripIntoEveryBookAndClashesAreRefused() async throws {
        guard let store = try await FleetStore.make() else { return }
        let a = try await store.journal(node: "pc-1")
        let b = try await store.journal(node: "pc-2")
        defer { Task { await a.close(); await b.close() } }
        let orders = (0..<50).map { FleetOrders.single("S\($0)", sku: "MUG", approvedAt: Int64($0)) }
        let summary = try await a.importOrders(orders, at: FleetStore.t0)
        #expect(summary.added == 50)
        let again = try await b.importOrders([FleetOrders.multi("S3", [("MUG", 2)])], at: FleetStore.t0)
        #expect(again.replaced == 1)
        let book = try await b.loadBook()
        #expect(book.orderCount == 50)
        #expect(book.parcel(ParcelKey(orderId: "S3", parcelId: "S3-1"))?.items == [ParcelLine(sku: "MUG", qty: 2)])
        #expect(try store.sql("SELECT revision FROM orders WHERE id = 'S3'") == "2")
        // A waybill names one parcel in the whole fleet; nothing of a refused batch is kept.
        var clash = FleetOrders.single("X1", sku: "MUG", approvedAt: 0)
        clash.parcels[0].waybill = "wbs7"
        await #expect(throws: OrderFileError.self) {
            _ = try await b.importOrders([FleetOrders.single("X0", sku: "MUG", approvedAt: 0), clash], at: FleetStore.t0)
        }
        await #expect(throws: OrderFileError.self) {
            _ = try await b.importOrders([FleetOrders.single("s1", sku: "MUG", approvedAt: 0)], at: FleetStore.t0)
        }
        #expect(try store.sql("SELECT count(*) FROM orders") == "50")
    }

    @Test func twoPackdShippingOneParcelShipItOnce() async throws {
        guard let store = try await FleetStore.make() else { return }
        let a = try await store.journal(node: "pc-1")
        let b = try await store.journal(node: "pc-2")
        defer { Task { await a.close(); await b.close() } }
        _ = try await a.importOrders([FleetOrders.single("S1", sku: "MUG", approvedAt: 0)], at: FleetStore.t0)
        let key = ParcelKey(orderId: "S1", parcelId: "S1-1")
        func claim(_ station: String, id: String) -> ScanCommit {
            let draft = EventDraft(
                type: .parcelShipped, occurredAt: FleetStore.t0, station: station, operatorId: nil, orderId: "S1", parcelId: "S1-1",
                waybill: "WBS1", items: [ParcelLine(sku: "MUG", qty: 1)])
            return ScanCommit(station: nil, changes: [.ship(key)], events: [OutboundEvent(id: id, draft: draft)])
        }
        async let first = Result { try await a.record(claim("st-a", id: "01JD3Z8Q3V7K9Y0M5H2N4P6R8A")) }
        async let second = Result { try await b.record(claim("st-b", id: "01JD3Z8Q3V7K9Y0M5H2N4P6R8B")) }
        let results = await [first, second]
        #expect(results.filter { (try? $0.get()) != nil }.count == 1)
        let refusal = results.compactMap { if case .failure(let e) = $0 { e as? JournalError } else { nil } }
        #expect(refusal == [.alreadyShipped(key)])
        #expect(try store.sql("SELECT count(*) FROM outbox WHERE type = 'parcel.shipped'") == "1")
        #expect(try store.sql("SELECT quantity FROM stock_levels WHERE sku = 'MUG'") == "-1")
        #expect(try await b.current(orderIds: ["S1"]).first?.parcels[key] == .shipped)
    }

    /// The shipped memory on the shared store: retention deletes a shipped order and
    /// remembers its parcel; the order sent again through another packd is shipped,
    /// for every packd; past the memory's days it is forgotten.
    @Test func anOrderSentAgainAfterRetentionStaysShippedAcrossTheFleet() async throws {
        guard let store = try await FleetStore.make() else { return }
        let a = try await store.journal(node: "pc-1")
        let b = try await store.journal(node: "pc-2")
        defer { Task { await a.close(); await b.close() } }
        let order = FleetOrders.single("M1", sku: "MUG", approvedAt: 0)
        _ = try await a.importOrders([order], at: FleetStore.t0)
        let key = ParcelKey(orderId: "M1", parcelId: "M1-1")
        let draft = EventDraft(
            type: .parcelShipped, occurredAt: FleetStore.t0, station: "st-a", operatorId: nil, orderId: "M1", parcelId: "M1-1",
            waybill: "WBM1", items: [ParcelLine(sku: "MUG", qty: 1)])
        try await a.record(ScanCommit(station: nil, changes: [.ship(key)], events: [OutboundEvent(id: "01JD3Z8Q3V7K9Y0M5H2N4P6R8C", draft: draft)]))
        let later = FleetStore.t0.adding(milliseconds: 40 * 86_400_000)
        #expect(try await a.prune(before: later.adding(milliseconds: -30 * 86_400_000)).orders == 1)
        #expect(try store.sql("SELECT count(*) FROM orders") == "0")
        #expect(try store.sql("SELECT order_id || ' ' || parcel_id FROM shipped_memory") == "M1 M1-1")
        let again = try await b.importOrders([order], at: later)
        #expect(again.alreadyShipped == [key])
        #expect(try await a.current(orderIds: ["M1"]).first?.parcels[key] == .shipped)
        #expect(try store.sql("SELECT quantity FROM stock_levels WHERE sku = 'MUG'") == "-1")
        #expect(try await a.forgetShipped(before: FleetStore.t0.adding(milliseconds: 1)) == 1)
        #expect(try store.sql("SELECT count(*) FROM shipped_memory") == "0")
    }

    @Test func aParcelOpenAtOneStationCannotBeOpenedOrShippedAtAnother() async throws {
        guard let store = try await FleetStore.make() else { return }
        let a = try await store.journal(node: "pc-1")
        let b = try await store.journal(node: "pc-2")
        defer { Task { await a.close(); await b.close() } }
        _ = try await a.importOrders([FleetOrders.multi("M1", [("MUG", 2)])], at: FleetStore.t0)
        let key = ParcelKey(orderId: "M1", parcelId: "M1-1")
        try await a.record(ScanCommit(station: nil, changes: [.open(key, station: "st-a")], events: []))
        await #expect(throws: JournalError.lostRace(key, reason: "is open at station st-a")) {
            try await b.record(ScanCommit(station: nil, changes: [.open(key, station: "st-b")], events: []))
        }
        // The same station opening it again is no race.
        try await a.record(ScanCommit(station: nil, changes: [.open(key, station: "st-a")], events: []))
        #expect(try await b.current(orderIds: ["M1"]).first?.parcels[key] == .open(station: "st-a"))
        // Cancelled through another packd: the completing commit is refused in its own transaction.
        _ = try await b.importOrders([FleetOrders.multi("M1", status: .cancelled, [("MUG", 2)])], at: FleetStore.t0)
        await #expect(throws: JournalError.lostRace(key, reason: "was not shipped: its order is cancelled")) {
            try await a.record(ScanCommit(station: nil, changes: [.ship(key)], events: []))
        }
        #expect(try store.sql("SELECT state FROM parcels WHERE order_id = 'M1'") == "open")
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
