import Foundation
public import Logging
public import PackCore
public import PackStore
import PostgresNIO
import Synchronization

/// The fleet's journal: one order book in PostgreSQL shared by many packd.
///
/// Each packd still matches scans against its own in-memory book; what another
/// station could race (opening a parcel, a single-item claim, a shipment) is
/// decided here, in the transaction that records it, with the order's row locked:
/// a transition another packd made first fails the whole commit with
/// `JournalError.lostRace`, and the order's status is read again in that same
/// transaction, so a cancellation committed before a shipment is never shipped.
public final class PostgresJournal: SharedBookJournal {
    let client: PostgresClient
    private let runner: Task<Void, Never>
    /// This packd's name in the fleet: it owns its printers' jobs and its stations.
    public let node: String
    let mode: CoreMode
    let logger: Logger
    /// How long one operation may wait for the store before the caller hears it is away.
    let deadline: Duration
    private let serial: SerialCommits
    /// Sends scan commits' notifications after them.
    private let noteSender = FleetNoteSender()

    /// The fewest pooled connections: three held for good (notifications, the
    /// node id's claim, the delivery lease) and two for scans.
    public static let minimumConnections = 5

    /// The channel every transition is announced on (the payload: node, newline,
    /// order id), and labels queued for another packd's printer (FleetNotifier).
    public static let channel = "packd_orders"

    /// Connects, and migrates the store to the current schema (unless `migrate`
    /// is false: `packd doctor` only looks).
    public init(
        address: PostgresAddress, node: String, mode: CoreMode = .local, deadline: Duration = .seconds(5), connections: Int = 10,
        migrate: Bool = true, logger: Logger = Logger(label: "packd.store")
    ) async throws {
        var configuration = address.clientConfiguration()
        // Scans wait for a connection rather than a fleet exhausting the server's
        // max_connections (docs/fleet.md sizes it). The notification listener and
        // the delivery lease each hold one of these for good, so scans keep at
        // least two.
        configuration.options.maximumConnections = max(Self.minimumConnections, connections)
        // pg_stat_activity names each packd's sessions; `packd doctor` finds the
        // outbox's deliverer by it.
        configuration.options.additionalStartupParameters = [("application_name", Self.applicationName(node: node))]
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        runner = Task { await client.run() }
        self.node = node
        self.mode = mode
        self.logger = logger
        self.deadline = deadline
        serial = SerialCommits()
        guard migrate else { return }
        do {
            try await Self.within(deadline) { try await FleetSchema.migrate(client, logger: logger) }
        } catch {
            runner.cancel()
            throw Self.cause(of: error)
        }
    }

    deinit { runner.cancel() }

    /// What a packd's sessions are called on the server (`application_name`,
    /// at most 63 bytes there).
    static func applicationName(node: String) -> String {
        var name = "packd \(node)"
        while name.utf8.count > 63 { name.removeLast() }
        return name
    }

    /// Closes the pool's connections.
    public func close() async {
        runner.cancel()
        _ = await runner.value
    }

    // MARK: Running operations

    /// Runs `body` in a transaction, giving up when the store does not answer
    /// within the deadline. A deadlock or serialization failure PostgreSQL chose
    /// this transaction for is tried again; any other error is the caller's.
    @discardableResult
    func transaction<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let logger = self.logger
        return try await retryingConflicts {
            try await self.client.checkedTransaction(logger: logger) { db in try await body(db) }
        }
    }

    /// Runs `operation` (one transaction) within the deadline, again when
    /// PostgreSQL chose it as a deadlock's or serialization failure's victim.
    func retryingConflicts<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        var attempt = 0
        while true {
            do {
                return try await Self.within(deadline, operation)
            } catch {
                let cause = Self.cause(of: error)
                if let psql = cause as? PSQLError, let code = psql.serverInfo?[.sqlState],
                    ["40001", "40P01"].contains(code), attempt < 5
                {
                    attempt += 1
                    continue
                }
                throw cause
            }
        }
    }

    /// A read outside a transaction, with the same deadline.
    func read<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await Self.within(deadline) { try await self.client.withConnection { db in try await body(db) } }
        } catch {
            throw Self.cause(of: error)
        }
    }

    /// The error as the packer and the log should read it.
    static func cause(of error: any Error) -> any Error {
        if let psql = error as? PSQLError {
            // PostgresNIO's own description hides everything ("Generic description
            // to prevent accidental leakage"); the packer and the log need to read
            // why. Deadlocks and serialization failures stay as they are: they are
            // tried again.
            let state = psql.serverInfo?[.sqlState] ?? ""
            if ["40001", "40P01"].contains(state) { return psql }
            if psql.serverInfo == nil || ["08", "53", "57"].contains(String(state.prefix(2))) {
                return FleetStoreError.unreachable(FleetStoreError.describe(psql))
            }
            return FleetStoreError.failed(FleetStoreError.describe(psql))
        }
        return error
    }

    /// The first of `body` and the time limit. A task group waits for all its
    /// children, so this returns at the limit only if `body` ends when cancelled:
    /// PostgresNIO's pool requests do; a query already sent waits for the
    /// server's answer or for its connection to break (docs/fleet.md). Answering
    /// at the limit anyway, from unstructured tasks, would leave such a query
    /// holding its pooled connection, unseen.
    static func within<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: limit)
                throw FleetStoreError.unreachable("no answer within \(limit.components.seconds) s")
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }

    // MARK: The journal protocol

    public func record(_ commit: ScanCommit) async throws {
        guard !commit.isEmpty else { return }
        let node = self.node
        let mode = self.mode
        let logger = self.logger
        // Not as one autocommitted SELECT: a statement's rows end (CommandComplete)
        // before PostgreSQL commits it at Sync, so its answer would reach the
        // packer before the commit is on disk (found by FleetFaultTests: a claim
        // heard by the packer lost in a crash of the server, and claimed again).
        // A procedure that commits before it returns its row answers only once
        // the commit is, in one round trip.
        let notes = try await retryingConflicts {
            try await self.client.withConnection { db in
                try await FleetCommitWriter.commit(commit, node: node, mode: mode, on: db, logger: logger)
            }
        }
        noteSender.send(notes, through: self)
    }

    /// Commits of one station in call order, each in its own transaction; those of
    /// different stations side by side (on the pool's connections), so that the
    /// server can flush them together. The store decides every race between them.
    public func enqueue(_ commit: ScanCommit) -> CommitTicket {
        serial.enqueue(key: Self.station(of: commit)) { try await self.record(commit) }
    }

    /// The station a commit is of (its state, its changes, its events).
    static func station(of commit: ScanCommit) -> String {
        if let station = commit.station?.station { return station }
        for change in commit.changes {
            switch change {
            case .open(_, let station), .release(_, let station): return station
            case .ship: continue
            }
        }
        return commit.events.first?.draft.station ?? ""
    }

    /// Conflicts and outages are answered to the caller; none leaves memory ahead
    /// of the store, so nothing needs reloading on their account.
    public var failedCommits: Int { 0 }

    public func flush() async {
        await serial.drain()
        await noteSender.flush()
    }

    public func loadStation(_ id: String) async throws -> StationState? {
        let logger = self.logger
        let json = try await read { db in
            try await db.checkedQuery("SELECT state FROM stations WHERE id = \(id)", logger: logger).decode(String.self)
                .first { _ in true }
        }
        guard let json else { return nil }
        do {
            return try StationState(json: try JSONParser.parse(json))
        } catch {
            throw JournalError.corrupt("station \(id): \(error)")
        }
    }
}

/// Runs the commits of one key (a station) one after another in the order they
/// were queued; those of different keys side by side.
final class SerialCommits: Sendable {
    private let tails = Mutex<[String: Task<Void, Never>]>([:])

    init() {}

    func enqueue(key: String, _ work: @escaping @Sendable () async throws -> Void) -> CommitTicket {
        let ticket = CommitTicket()
        tails.withLock { tails in
            let previous = tails[key]
            tails[key] = Task {
                await previous?.value
                do {
                    try await work()
                    ticket.resolve(.success(()))
                } catch {
                    ticket.resolve(.failure(error))
                }
            }
        }
        return ticket
    }

    /// Returns once everything queued before has run.
    func drain() async {
        for tail in tails.withLock({ Array($0.values) }) { await tail.value }
    }
}
