import Logging
import PostgresNIO

/// Exactly one packd of a fleet delivers the shared outbox to the core: the one
/// holding a PostgreSQL advisory lock on a connection of its own. The lock dies
/// with that connection, so when the holder dies another packd takes over at its
/// next try; the connection asks the server to notice a vanished holder (a PC
/// switched off, a cable pulled) within about ten seconds through TCP keepalives.
public final class FleetDeliveryLease: Sendable {
    /// The advisory lock key for delivery ("deliver" in ASCII).
    static let key: Int64 = 0x64_656C_6976_6572
    private let journal: PostgresJournal
    private let retry: Duration

    public init(journal: PostgresJournal, retry: Duration = .seconds(1)) {
        self.journal = journal
        self.retry = retry
    }

    /// Runs `deliver` whenever this packd holds the lease, until cancelled;
    /// `deliver` is cancelled as soon as the lease is lost. `held` hears when
    /// this packd takes the lease and when it lets go.
    public func run(held: @escaping @Sendable (Bool) -> Void = { _ in }, _ deliver: @escaping @Sendable () async -> Void) async {
        let logger = journal.logger
        while !Task.isCancelled {
            do {
                try await journal.client.withConnection { db in
                    guard try await Self.tryLock(db, logger: logger) else { return }
                    logger.info("outbox delivery lease taken", metadata: ["node": "\(journal.node)"])
                    held(true)
                    defer {
                        held(false)
                        logger.info("outbox delivery lease let go", metadata: ["node": "\(journal.node)"])
                    }
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask { await deliver() }
                        group.addTask {
                            // The lease is this connection: while it answers, the lock is ours.
                            while true {
                                try await Task.sleep(for: .seconds(2))
                                try await db.checkedQuery("SELECT 1", logger: logger)
                            }
                        }
                        // Either delivery ended (cancelled) or the connection broke.
                        _ = try await group.next()
                        group.cancelAll()
                    }
                    // Stopping: the pool closes this connection and the server lets the
                    // lock go with it. A query now could wait for ever: PostgresNIO does
                    // not answer a cancelled task's query on a connection the server
                    // has closed (the holder terminated, then packd stopped).
                    guard !Task.isCancelled else { return }
                    _ = try? await db.checkedQuery("SELECT pg_advisory_unlock(\(Self.key))", logger: logger)
                }
            } catch {
                if Task.isCancelled { break }
                logger.warning("outbox delivery lease lost", metadata: ["error": "\(FleetStoreError.describe(error))"])
            }
            try? await Task.sleep(for: retry)
        }
    }

    private static func tryLock(_ db: PostgresConnection, logger: Logger) async throws -> Bool {
        // One round trip (non-holders try every second). The server drops a holder
        // whose PC vanished within about 5 + 2 x 3 s.
        for try await taken in try await db.checkedQuery(
            """
            SELECT set_config('tcp_keepalives_idle', '5', false), set_config('tcp_keepalives_interval', '2', false),
                   set_config('tcp_keepalives_count', '3', false), pg_try_advisory_lock(\(key))
            """, logger: logger
        ).decode((String, String, String, Bool).self) {
            return taken.3
        }
        return false
    }
}
