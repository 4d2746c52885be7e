import Logging
import PostgresNIO

/// One live packd per fleet node id. The fleet tells its packd apart by node id
/// alone: each ignores the notifications it sent itself, and print jobs belong to
/// a node. Two packd with one id (two on one PC, two PCs cloned from one image, a
/// copied configuration) would each take the other's changes for their own and
/// never see them. So a packd holds an advisory lock named by its node id, on a
/// connection of its own, for as long as it runs; a second one is refused at
/// start. The lock dies with its connection: a packd that is killed or whose PC
/// vanishes frees its id within the server's keepalive time (about 11 s).
public final class FleetNodeClaim: Sendable {
    /// The advisory lock class for node ids ("node" in ASCII); the id's hash is the object.
    static let lockClass: Int32 = 0x6E6F_6465
    private let holder: Task<Void, Never>

    private init(holder: Task<Void, Never>) { self.holder = holder }

    /// Takes the node id, or throws `nodeInUse` naming where the other packd connects from.
    /// Held until `release`: when its connection breaks (the store restarted, a
    /// network cut), the claim is taken again as soon as the store answers, and
    /// should another packd have taken the id meanwhile, that is logged as critical
    /// until it lets go.
    public static func take(_ journal: PostgresJournal) async throws -> FleetNodeClaim {
        let node = journal.node
        let logger = journal.logger
        let (answers, answer) = AsyncStream<Result<Bool, any Error>>.makeStream()
        let holder = Task {
            var first = true
            while !Task.isCancelled {
                do {
                    let taken = try await journal.client.withConnection { db in
                        guard try await tryLock(node, on: db, logger: logger) else { return false }
                        if first {
                            answer.yield(.success(true))
                            answer.finish()
                            first = false  // a later loss is retried, not answered
                        } else {
                            logger.notice("fleet node id claimed again", metadata: ["node": "\(node)"])
                        }
                        // Held while this packd runs: the connection is the claim.
                        while !Task.isCancelled {
                            try await Task.sleep(for: .seconds(2))
                            try await db.checkedQuery("SELECT 1", logger: logger)
                        }
                        return true
                    }
                    if !taken {
                        if first {
                            answer.yield(.success(false))
                            answer.finish()
                            return
                        }
                        logger.critical(
                            "another packd took this packd's fleet node id while the store was away: the two ignore each other's changes; stop one",
                            metadata: ["node": "\(node)"])
                    }
                } catch {
                    if first {
                        answer.yield(.failure(error))
                        answer.finish()
                        return
                    }
                    if Task.isCancelled { return }
                    logger.warning(
                        "fleet node id claim lost with its connection; claiming it again",
                        metadata: ["node": "\(node)", "error": "\(FleetStoreError.describe(error))"])
                }
                first = false
                try? await Task.sleep(for: .seconds(1))
            }
        }
        for await result in answers {
            switch result {
            case .success(true): return FleetNodeClaim(holder: holder)
            case .success(false):
                let elsewhere = try await holderAddress(node, journal: journal)
                throw FleetStoreError.nodeInUse(node: node, from: elsewhere)
            case .failure(let error):
                holder.cancel()
                throw error
            }
        }
        holder.cancel()
        throw FleetStoreError.unreachable("the node claim's connection ended before it answered")
    }

    /// Lets the node id go (the connection returns to the pool, which ends the lock
    /// when it closes; `release` unlocks at once).
    public func release() { holder.cancel() }

    private static func tryLock(_ node: String, on db: PostgresConnection, logger: Logger) async throws -> Bool {
        for try await taken in try await db.checkedQuery(
            """
            SELECT set_config('tcp_keepalives_idle', '5', false), set_config('tcp_keepalives_interval', '2', false),
                   set_config('tcp_keepalives_count', '3', false), pg_try_advisory_lock(\(lockClass), hashtext(\(node)))
            """, logger: logger
        ).decode((String, String, String, Bool).self) {
            return taken.3
        }
        return false
    }

    /// The client address of the session holding the node's lock, for the message.
    private static func holderAddress(_ node: String, journal: PostgresJournal) async throws -> String {
        let logger = journal.logger
        return try await journal.read { db in
            for try await address in try await db.checkedQuery(
                """
                SELECT coalesce(host(a.client_addr), 'this server''s unix socket') || ', pid ' || a.pid
                FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
                  AND l.classid::text::bigint = \(Int64(lockClass))
                  AND l.objid::text::bigint = (hashtext(\(node))::bigint & 4294967295)
                LIMIT 1
                """, logger: logger
            ).decode(String.self) {
                return address
            }
            return "an unknown address"
        }
    }
}
