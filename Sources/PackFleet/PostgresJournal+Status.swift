import Logging
import PostgresNIO

/// What an operator needs to know of the shared store (`packd doctor`): which
/// server answers, whether it is the primary and makes commits durable, whether
/// its schema is this packd's, and which packd of the fleet are connected and
/// which one delivers the outbox.
public struct FleetStoreStatus: Sendable, Equatable {
    public var serverVersion: String
    /// A standby (read-only replica): packd needs the one primary.
    public var inRecovery: Bool
    /// `synchronous_commit` and `fsync`: a confirmed shipment is on disk only
    /// when both are on (docs/fleet.md).
    public var synchronousCommit: String
    public var fsync: String
    /// Migrations this packd knows that the store has not had yet (`packd run`
    /// applies them), and ones the store has that this packd does not know.
    public var missingMigrations: [String]
    public var unknownMigrations: [String]
    /// The nodes with sessions open on the store, and the one holding the
    /// outbox's delivery lease (nil: none; the outbox waits).
    public var connectedNodes: [String]
    public var deliverer: String?

    public var commitsAreDurable: Bool { fsync == "on" && !["off", "local"].contains(synchronousCommit) }
}

extension PostgresJournal {
    public func status() async throws -> FleetStoreStatus {
        let logger = self.logger
        return try await read { db in
            var status = FleetStoreStatus(
                serverVersion: "?", inRecovery: false, synchronousCommit: "?", fsync: "?", missingMigrations: [], unknownMigrations: [],
                connectedNodes: [], deliverer: nil)
            for try await (version, recovery, synchronous, fsync) in try await db.checkedQuery(
                "SELECT current_setting('server_version'), pg_is_in_recovery(), current_setting('synchronous_commit'), current_setting('fsync')",
                logger: logger
            ).decode((String, Bool, String, String).self) {
                status.serverVersion = version
                status.inRecovery = recovery
                status.synchronousCommit = synchronous
                status.fsync = fsync
            }
            var applied: Set<String> = []
            var hasTable = false
            for try await exists in try await db.checkedQuery("SELECT to_regclass('packd_migrations') IS NOT NULL", logger: logger).decode(Bool.self) {
                hasTable = exists
            }
            if hasTable {
                for try await name in try await db.checkedQuery("SELECT name FROM packd_migrations", logger: logger).decode(String.self) {
                    applied.insert(name)
                }
            }
            let known = FleetSchema.migrations.map(\.name)
            status.missingMigrations = known.filter { !applied.contains($0) }
            status.unknownMigrations = applied.subtracting(known).sorted()
            let prefix = Self.applicationName(node: "")
            var nodes: Set<String> = []
            for try await name in try await db.checkedQuery(
                "SELECT application_name FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
                logger: logger
            ).decode(String.self) where name.hasPrefix(prefix) {
                nodes.insert(String(name.dropFirst(prefix.count)))
            }
            status.connectedNodes = nodes.sorted()
            let key = FleetDeliveryLease.key
            for try await name in try await db.checkedQuery(
                """
                SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                WHERE l.locktype = 'advisory' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                  AND l.objsubid = 1 AND ((l.classid::bigint << 32) | l.objid::bigint) = \(key)
                """, logger: logger
            ).decode(String.self) where name.hasPrefix(prefix) {
                status.deliverer = String(name.dropFirst(prefix.count))
            }
            return status
        }
    }
}
