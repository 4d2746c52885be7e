import Foundation
import GRDB
public import PackCore

/// The embedded journal: one SQLite file in WAL mode with `synchronous = FULL`, so a
/// transaction that has returned is on disk and survives a power cut.
public final class SQLiteJournal: PackJournal {
    let pool: DatabasePool
    let mode: CoreMode
    let committer: GroupCommitter

    public static let fileName = "journal.sqlite"

    /// Opens (creating if needed) the journal in `directory`, migrating it to the
    /// current schema.
    public init(directory: String, mode: CoreMode = .local) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.label = "packd.journal"
        let pool = try DatabasePool(path: (directory as NSString).appendingPathComponent(Self.fileName),
                                    configuration: config)
        // FULL: the WAL is synced at every commit, so "confirmed" means durable.
        // Set on the writer after opening: GRDB's WAL set-up chooses NORMAL, which
        // may lose the last transactions on a power cut.
        //
        // PACKD_UNSAFE_SYNCHRONOUS=normal (like PostgreSQL's fsync = off) exists only
        // so that the durability test can show it catches a journal that does not
        // sync; confirmed shipments may then be lost on a power cut.
        let synchronous = ProcessInfo.processInfo.environment["PACKD_UNSAFE_SYNCHRONOUS"] == "normal" ? "NORMAL" : "FULL"
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = \(synchronous)") }
        try JournalSchema.migrator.migrate(pool)
        self.pool = pool
        self.mode = mode
        self.committer = GroupCommitter(pool: pool, mode: mode)
    }

    public func record(_ commit: ScanCommit) async throws {
        guard !commit.isEmpty else { return }
        try await committer.enqueue(commit).wait()
    }

    public func enqueue(_ commit: ScanCommit) -> CommitTicket { committer.enqueue(commit) }

    public var failedCommits: Int { committer.failures }

    /// Returns once every commit queued so far is on disk (or failed).
    public func flush() async {
        try? await committer.enqueue(ScanCommit(station: nil, changes: [], events: [])).wait()
    }

    /// One transaction per commit, no grouping: the baseline the benchmark compares
    /// group commit with.
    public func recordIndividually(_ commit: ScanCommit) async throws {
        let mode = self.mode
        try await pool.write { db in try CommitWriter.write(commit, to: db, mode: mode) }
    }

    /// A point read (one indexed row) done on the calling thread, for the reads
    /// on a label's way from the completing scan to the printer. GRDB's async
    /// read hands the work to a reader's queue and resumes the caller from it:
    /// two thread wake-ups that cost more than the read (0.55 ms against 0.19 ms
    /// for the queue's head, measured in `packd-bench daemon`). It holds the
    /// calling thread for the read, and while it waits for a free reader (GRDB
    /// keeps five; the daemon's other reads each take a few ms at most).
    func readHere<T>(_ body: (Database) throws -> T) throws -> T { try pool.read(body) }

    /// How many commits were written, in how many transactions.
    public func commitStatistics() -> (commits: Int, transactions: Int) { committer.stats }

    public func loadStation(_ id: String) async throws -> StationState? {
        try await pool.read { db in
            guard let json = try String.fetchOne(db, sql: "SELECT state FROM stations WHERE id = ?", arguments: [id])
            else { return nil }
            do {
                return try StationState(json: try JSONParser.parse(json))
            } catch {
                throw JournalError.corrupt("station \(id): \(error)")
            }
        }
    }

    public func outbox(limit: Int) async throws -> [OutboxEntry] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT seq, id, type, state, payload FROM outbox ORDER BY seq LIMIT ?", arguments: [limit]
            ).map { row in
                guard let type = EventType(rawValue: row["type"]), let state = OutboxEntry.State(rawValue: row["state"])
                else { throw JournalError.corrupt("outbox row \(row["seq"] as Int64)") }
                return OutboxEntry(seq: row["seq"], id: row["id"], type: type, state: state, payload: row["payload"])
            }
        }
    }

    /// For tests and `packd doctor`: SQLite's own consistency check.
    public func integrityCheck() async throws -> String {
        try await pool.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "no answer" }
    }
}
