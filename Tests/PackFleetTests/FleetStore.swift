import Foundation
import Logging
import PackCore
import PackFleet
import PackStore
import PackTestSupport
import Testing

/// A database of its own on the test process's PostgreSQL, and journals on it
/// standing for the packd of a fleet.
struct FleetStore {
    static let t0 = Timestamp(millisecondsSinceEpoch: 1_795_334_400_000)

    /// These tests run PostgresNIO inside the test process, on Swift's
    /// cooperative threads (two on two cores). They run in the one suite because
    /// the blocking device and daemon tests beside them run on threads of their
    /// own (`.offCooperativePool`), not on those two (docs/testing.md).
    static var inProcess: Bool { PrivatePostgres.available }
    let server: PrivatePostgres
    let url: String

    /// Nil where this machine has no PostgreSQL 15 (the tests are then skipped;
    /// CI installs it).
    static func make() async throws -> FleetStore? {
        guard let server = try PrivatePostgres.shared() else { return nil }
        return FleetStore(server: server, url: try server.createDatabase())
    }

    var address: PostgresAddress { try! PostgresAddress(url: url, password: nil) }

    func journal(node: String, mode: CoreMode = .local) async throws -> PostgresJournal {
        var logger = Logger(label: "packd.store.test")
        logger.logLevel = ProcessInfo.processInfo.environment["PACKD_FLEET_TRACE"] == "1" ? .trace : .warning
        // A minute, not the daemon's 5 s: the whole suite on two cores can keep
        // Swift's threads busy for seconds.
        return try await PostgresJournal(address: address, node: node, mode: mode, deadline: .seconds(60), logger: logger)
    }

    /// One value from the store, through psql.
    func sql(_ query: String) throws -> String {
        // A short psql run; blocking is acceptable here (tests call it between steps).
        try server.psql(query, database: PrivatePostgres.database(of: url)).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

enum FleetOrders {
    static func single(_ id: String, sku: String, approvedAt: Int64) -> Order {
        Order(
            id: id, platformOrderId: nil, status: .approved,
            approvedAt: Timestamp(millisecondsSinceEpoch: 1_795_000_000_000 + approvedAt), station: nil,
            lines: [OrderLine(sku: sku, qty: 1, barcodes: [])],
            parcels: [Parcel(id: "\(id)-1", waybill: "WB\(id)", lines: [ParcelLine(sku: sku, qty: 1)])])
    }

    static func multi(_ id: String, status: OrderStatus = .approved, _ lines: [(String, Int)]) -> Order {
        Order(
            id: id, platformOrderId: nil, status: status, approvedAt: Timestamp(millisecondsSinceEpoch: 1_795_000_000_000),
            station: nil, lines: lines.map { OrderLine(sku: $0.0, qty: $0.1, barcodes: []) },
            parcels: [Parcel(id: "\(id)-1", waybill: "WB\(id)", lines: lines.map { ParcelLine(sku: $0.0, qty: $0.1) })])
    }
}
