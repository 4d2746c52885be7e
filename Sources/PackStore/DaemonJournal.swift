public import PackCore

/// Everything `packd run` needs of its journal beyond deciding scans: the print
/// queue, the outbox's dead letters, the order feed, what the API shows, and
/// retention. The embedded SQLite journal and the fleet's shared PostgreSQL store
/// both provide it, so the daemon's parts do not know which one they run on.
public protocol DaemonJournal: PackJournal, OutboxStore {
    // Orders, as the API shows them.
    func order(id: String) async throws -> Order?
    /// An order by id, exactly or, failing that, ignoring letter case.
    func order(lookingUp id: String) async throws -> Order?
    func orderRevision(id: String) async throws -> Int?
    func parcelStates(orderId: String?) async throws -> [JournaledParcel]
    func approvalLabels(orderId: String) async throws -> [(parcelId: String, jobId: String, reason: String, state: String?)]

    // The print queue of this packd's printers.
    func enqueuePrint(_ requests: [PrintRequest]) async throws
    func nextPrintJob(printer: String) async throws -> PrintJob?
    func printJob(id: String) async throws -> PrintJob?
    func printJobs(printer: String?, limit: Int) async throws -> [PrintJob]
    func lastPrintSeq() async throws -> Int
    func lastCupsJobId(printer: String) async throws -> Int
    func printQueueDepths() async throws -> [String: Int]
    func updatePrintJob(
        id: String, state: PrintJobState, cupsJobId: Int?, attempts: Int, error: String?, at time: Timestamp,
        event: OutboundEvent?
    ) async throws -> Bool

    // The outbox, for operators.
    func outboxBacklog() async throws -> (pending: Int, oldest: Timestamp?, dead: Int)
    func outboxCounts() async throws -> [OutboxEntry.State: Int]
    func deadLetters(includeDropped: Bool, limit: Int) async throws -> [DeadLetter]
    func retryDeadLetters(ids: [String]?) async throws -> [String]
    func dropDeadLetters(ids: [String]?, reason: String, at time: Timestamp) async throws -> [String]

    // The order feed.
    func feedCursor(_ feed: String) async throws -> String?
    func inputDeadLetters(limit: Int) async throws -> [InputDeadLetter]

    /// Lets go of what is delivered and finished before `cutoff` (remembering the
    /// shipped parcels of the orders it deletes: ShippedMemory).
    func prune(before cutoff: Timestamp, batch: Int) async throws -> PrunedRecords
    /// Forgets the parcels shipped before `cutoff` (`retention.shipped_memory_days`).
    func forgetShipped(before cutoff: Timestamp) async throws -> Int
    /// The store's own consistency check, for `packd doctor`.
    func integrityCheck() async throws -> String
}

extension DaemonJournal {
    public func parcelStates() async throws -> [JournaledParcel] { try await parcelStates(orderId: nil) }
    public func deadLetters() async throws -> [DeadLetter] { try await deadLetters(includeDropped: false, limit: 1000) }
    public func deadLetters(includeDropped: Bool) async throws -> [DeadLetter] {
        try await deadLetters(includeDropped: includeDropped, limit: 1000)
    }
    public func feedCursor() async throws -> String? { try await feedCursor("core") }
    public func inputDeadLetters() async throws -> [InputDeadLetter] { try await inputDeadLetters(limit: 100) }
    public func prune(before cutoff: Timestamp) async throws -> PrunedRecords { try await prune(before: cutoff, batch: 5_000) }
    public func updatePrintJob(
        id: String, state: PrintJobState, cupsJobId: Int?, attempts: Int, error: String?, at time: Timestamp
    ) async throws -> Bool {
        try await updatePrintJob(id: id, state: state, cupsJobId: cupsJobId, attempts: attempts, error: error, at: time, event: nil)
    }
}

extension SQLiteJournal: DaemonJournal {}
