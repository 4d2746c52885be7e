public import PackCore
public import PackStore
public import PackCoreLink

/// Owns the order book and every station's state, and turns scans into durable
/// decisions.
///
/// Deciding and applying happen on this actor, one scan at a time, so two stations
/// can never claim the same parcel. The journal write is awaited outside that
/// critical section: while one decision is being made durable the next can be
/// decided, and the group committer puts them in one transaction. A caller hears the
/// outcome only once its decision is on disk.
///
/// Decisions with consequences outside the station (a shipment, an outbound event,
/// a label) are answered only once on disk. The rest (a parcel opened, an item
/// counted, an acknowledgement) are queued in the same order and answered at once:
/// a crash can lose only the last such steps, which the packer then scans again;
/// it can never ship anything.
public actor StationHub {
    public enum Durability: Sendable {
        /// Wait for the disk only for decisions with consequences (the default).
        case consequential
        /// Wait for the disk on every decision (slower; for comparison).
        case everyDecision
    }

    private var book: OrderBook
    private var stations: [String: StationState] = [:]
    private let journal: any PackJournal
    private let config: PackConfig
    private var ids = ULIDGenerator(rng: SystemRandomNumberGenerator())
    /// Set when a journal write failed: memory may be ahead of the disk, so the
    /// book and the stations are reloaded before the next decision.
    private var mustReload = false
    private var failuresSeen: Int
    /// The reload in progress: every caller waits for this one instead of starting
    /// another (an older book finishing last would overwrite newer decisions).
    private var reloading: Task<Void, any Error>?
    /// What changed in memory while a reload reads the book, applied to the new book.
    private var reloadLog: [Logged]?
    /// Counts reloads, so that a compaction that raced one does not take over.
    private var reloads = 0
    private let durability: Durability
    /// Finished orders older than this leave the book (nil: the book keeps all).
    private let retention: Duration?
    /// What changed in memory while a compaction or a reload loads the book anew.
    private enum Logged {
        case upserts([Order])
        case changes([BookChange])
        case adopted([SharedOrder])
        case restated([ParcelKey: ParcelState])
    }
    /// What changed while a compaction loads the book.
    private var changeLog: [Logged]?
    /// The latest time a caller gave, for reloads.
    private var lastNow: Timestamp?
    /// The journal, when many packd share it (a fleet).
    private let shared: (any SharedBookJournal)?
    /// Orders to read from the shared store before the next decision.
    private var staleOrders: Set<String> = []
    /// Told of the labels a decision queues before its commit is durable, so
    /// their CUPS jobs are created meanwhile (a journal of its own only: with a
    /// shared store a decision can lose its race and queue nothing).
    public nonisolated let anticipation = LabelAnticipation()

    public init(
        journal: any PackJournal, config: PackConfig, durability: Durability = .consequential, retention: Duration? = nil,
        now: Timestamp? = nil
    ) async throws {
        self.journal = journal
        self.config = config
        self.durability = durability
        self.retention = retention
        self.lastNow = now
        self.shared = journal as? any SharedBookJournal
        self.failuresSeen = journal.failedCommits
        self.book = try await journal.loadBook(finishedBefore: Self.cutoff(retention, now))
    }

    static func cutoff(_ retention: Duration?, _ now: Timestamp?) -> Timestamp? {
        guard let retention, let now else { return nil }
        return now.adding(milliseconds: -retention.components.seconds * 1000)
    }

    /// Lets go of orders finished longer ago than the retention: the book is
    /// loaded anew from the journal (outside this actor's turns, so scans go on)
    /// and what changed meanwhile is applied to it before it takes over.
    public func compact(now: Timestamp) async throws -> (before: Int, after: Int) {
        try await reloadIfBehind()
        guard changeLog == nil, let cutoff = Self.cutoff(retention, now) else { return (book.orderCount, book.orderCount) }
        let reloadsBefore = reloads
        changeLog = []
        defer { changeLog = nil }
        // Whatever memory holds from before the log began reaches the disk first.
        await journal.flush()
        var fresh = try await journal.loadBook(finishedBefore: cutoff)
        Self.replay(changeLog ?? [], onto: &fresh)
        let before = book.orderCount
        if !mustReload, reloads == reloadsBefore { book = fresh }
        return (before, book.orderCount)
    }

    /// Memory changed while a book was being loaded: the same changes, in order,
    /// on the loaded book.
    private static func replay(_ log: [Logged], onto book: inout OrderBook) {
        for entry in log {
            switch entry {
            case .upserts(let orders): for order in orders { book.upsert(order) }
            case .changes(let changes): book.apply(changes)
            case .adopted(let shared): book.adopt(shared)
            case .restated(let states): for (key, state) in states { book.restate(key, to: state) }
            }
        }
    }

    /// Records a change of the book for the compaction or reload under way.
    private func logged(_ entry: Logged) {
        changeLog?.append(entry)
        reloadLog?.append(entry)
    }

    /// The labels a decision asks for, queued on the station's printer in the same
    /// transaction as the decision. A station with no printer prints nothing.
    private func printRequests(_ decision: ScanDecision, station: String, now: Timestamp) -> [PrintRequest] {
        guard !decision.labels.isEmpty, let printer = config.printer(forStation: station) else { return [] }
        return decision.labels.map { label in
            PrintRequest(
                id: ids.next(at: now).description, printer: printer.name, station: station, orderId: label.parcel.orderId,
                parcelId: label.parcel.parcelId, reprint: label.reprint, format: printer.language.rawValue, document: nil,
                createdAt: now)
        }
    }

    public func handle(_ scan: Scan, station: String, now: Timestamp) async throws -> ScanDecision {
        try await handleQueuingLabels(scan, station: station, now: now).decision
    }

    /// `handle`, also answering the labels queued with the decision (their job ids
    /// go to the station's event stream).
    public func handleQueuingLabels(_ scan: Scan, station: String, now: Timestamp) async throws
        -> (decision: ScanDecision, labels: [PrintRequest])
    {
        lastNow = now
        var racesLost = 0
        while true {
            var previous: StationState
            repeat {
                try await reloadIfBehind()
                // Reading the station may wait for the disk, and a reload may start meanwhile.
                previous = try await stationState(station)
            } while mustReload || reloading != nil || journal.failedCommits != failuresSeen || !staleOrders.isEmpty
            var engineConfig = config.engineConfig(forStation: station)
            if shared != nil { engineConfig.claimRank = Self.claimRank(station: station, racesLost: racesLost) }
            let engine = ScanEngine(config: engineConfig)
            let decision = engine.decide(scan, state: previous, book: book, now: now)
            let events = decision.events.map { $0.identified(by: ids.next(at: $0.occurredAt)) }
            stations[station] = decision.state
            book.apply(decision.bookChanges)
            if !decision.bookChanges.isEmpty { logged(.changes(decision.bookChanges)) }
            var commit = ScanCommit(decision: decision, previous: previous, events: events)
            commit.decidedAfterFailures = failuresSeen
            commit.labels = printRequests(decision, station: station, now: now)
            guard !commit.isEmpty else { return (decision, []) }
            if shared == nil { anticipation.decided(commit.labels) }
            do {
                if let shared {
                    try await recordShared(commit, in: shared, station: station, previous: previous)
                } else if durability == .everyDecision {
                    try await journal.record(commit)
                } else {
                    let ticket = journal.enqueue(commit)
                    if ScanCommit.hasConsequences(decision) { try await ticket.wait() }
                }
            } catch let lost as LostRace {
                guard racesLost < Self.maximumRacesLost else { throw lost.error }
                // Another packd got there first: the book now holds what the store
                // says, and the same scan is decided again (a claim takes the next
                // candidate; a parcel open elsewhere says where).
                racesLost += 1
                continue
            } catch {
                if shared == nil {
                    mustReload = true
                    anticipation.failed(commit.labels)
                }
                throw error
            }
            return (decision, commit.labels)
        }
    }

    /// How many times one scan is decided again after losing races in a shared
    /// store before the packer hears of it. Each loss means another station took
    /// something this book then learns of, so the fleet always progresses; only
    /// the last few orders of an item with a hundred stations scanning it at once
    /// take more than a handful of rounds.
    static let maximumRacesLost = 256
    /// How many of the oldest claimable parcels a fleet's stations spread over.
    static let claimWindow = 16

    /// Which of the oldest claimable parcels a station of a fleet takes: a rank of
    /// its own at first (stations scanning the same item at once aim at different
    /// orders), any of the window after losing a race. Approval order holds
    /// within the window.
    static func claimRank(station: String, racesLost: Int) -> Int {
        guard racesLost == 0 else { return Int.random(in: 0..<claimWindow) }
        // FNV-1a: the same rank in every process (Swift's hashes are seeded per process).
        var hash: UInt32 = 2_166_136_261
        for byte in station.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        return Int(hash % UInt32(claimWindow))
    }

    /// How many of the next claim candidates a lost claim reads from the store.
    static let claimLookahead = 32

    private struct LostRace: Error {
        var error: JournalError
    }

    /// Records a decision in a shared store, which decides the transitions other
    /// stations could race. If the store refuses one, or cannot be reached, the
    /// decision's orders and the station are read from the store again before the
    /// next decision, so memory never stays ahead of it.
    private func recordShared(
        _ commit: ScanCommit, in shared: any SharedBookJournal, station: String, previous: StationState
    ) async throws {
        do {
            try await shared.record(commit)
        } catch {
            let orders = Set(commit.changes.map(\.parcel.orderId))
            switch error as? JournalError {
            case .some(let lost) where lost.isLostRace:
                stations[station] = previous
                staleOrders.formUnion(orders)
                // A lost claim: the next candidates were likely taken too.
                for case .ship(let key) in commit.changes {
                    staleOrders.formUnion(book.claimCandidates(like: key, limit: Self.claimLookahead))
                }
                try await refreshStaleOrders()
                throw LostRace(error: lost)
            default:
                // Unknown whether it was written: the station and the orders are read again.
                stations[station] = nil
                staleOrders.formUnion(orders)
                throw error
            }
        }
    }

    /// Orders another packd changed (its notification): read from the store and
    /// taken as it holds them, while scans go on. Scans do not wait for this: the
    /// store re-checks every transition it records, so a book a notification
    /// behind costs at most a lost race, never a wrong shipment. (Waiting made
    /// every scan of a busy fleet read the store first, again and again, as
    /// notifications kept arriving.) If the store cannot be read, the orders are
    /// read before the next decision instead.
    public func follow(orderIds: some Sequence<String>) async throws {
        guard let shared else { return }
        let ids = Array(Set(orderIds))
        guard !ids.isEmpty else { return }
        do {
            adopt(try await shared.current(orderIds: ids))
        } catch {
            staleOrders.formUnion(ids)
            throw error
        }
    }

    /// Parcels another packd moved, with the states its commit gave them (no read
    /// needed). A parcel this book lacks is left alone: its order's read, on its
    /// way, brings it.
    public func restate(_ states: [ParcelKey: ParcelState]) {
        for (key, state) in states { book.restate(key, to: state) }
        logged(.restated(states))
    }

    /// Orders a decision here changed in memory without the store confirming it
    /// (or whose notification could not be read): read before the next decision.
    private func refreshStaleOrders() async throws {
        guard let shared, !staleOrders.isEmpty else { return }
        let ids = Array(staleOrders)
        adopt(try await shared.current(orderIds: ids))
        staleOrders.subtract(ids)
    }

    private func adopt(_ current: [SharedOrder]) {
        book.adopt(current)
        logged(.adopted(current))
    }

    /// The store's notifications were lost for a while (its connection broke):
    /// everything is read again.
    public func resynchronize() {
        mustReload = true
    }

    /// Adds or replaces orders: journal first, then the book. With `approval`,
    /// labels of approved orders are queued in the same transaction.
    public func upsert(_ orders: [Order], at time: Timestamp, approval: ApprovalPrinting? = nil) async throws -> ImportSummary {
        try await reloadIfBehind()
        let summary = try await journal.importOrders(orders, at: time, approval: approval)
        journaled(orders, shipped: summary.alreadyShipped)
        return summary
    }

    /// A page of the core's feed: journaled with its cursor (bad orders as input
    /// dead letters), then the orders taken go into the book.
    public func applyFeedPage(_ page: FeedPage, at time: Timestamp, approval: ApprovalPrinting?) async throws -> ImportSummary {
        try await reloadIfBehind()
        let result = try await journal.importFeedPage(
            page.orders, positions: page.positions, rejected: page.rejected, cursor: page.cursor, feed: "core", at: time,
            approval: approval)
        journaled(result.accepted, shipped: result.summary.alreadyShipped)
        return result.summary
    }

    /// Orders now in the journal go into the book (and into a reload under way).
    /// `shipped`: parcels the journal knows shipped from its shipped memory (their
    /// orders were deleted by retention and sent again).
    private func journaled(_ orders: [Order], shipped: [ParcelKey] = []) {
        for order in orders { book.upsert(order) }
        logged(.upserts(orders))
        guard !shipped.isEmpty else { return }
        let changes = shipped.map(BookChange.ship)
        book.apply(changes)
        logged(.changes(changes))
    }

    public func state(of station: String) async throws -> StationState { try await stationState(station) }

    /// A station's state with its open parcel as the book holds it.
    public func view(of station: String) async throws -> (state: StationState, parcel: ParcelView?) {
        try await reloadIfBehind()
        let state = try await stationState(station)
        return (state, state.open.flatMap { book.parcel($0.key) })
    }

    public var orderCount: Int { book.orderCount }

    private func stationState(_ id: String) async throws -> StationState {
        if let s = stations[id] { return s }
        let loaded = try await journal.loadStation(id) ?? StationState(station: id)
        if let s = stations[id] { return s }  // another call loaded it meanwhile
        stations[id] = loaded
        return loaded
    }

    /// After a failed journal write memory may be ahead of the disk: the book and
    /// the stations are read again before anything is decided or shown.
    private func reloadIfBehind() async throws {
        if journal.failedCommits != failuresSeen {
            failuresSeen = journal.failedCommits
            mustReload = true
        }
        try await refreshStaleOrders()
        while mustReload || reloading != nil {
            if let reloading {
                try await reloading.value
            } else {
                // Runs on this actor, so it starts only once `reloading` is set,
                // and clears it itself before anyone waiting resumes.
                let task = Task { try await self.reload() }
                reloading = task
                try await task.value
            }
        }
    }

    /// Reads the book and the stations again. Run only as `reloading`, so one at
    /// a time, while every decision waits.
    private func reload() async throws {
        mustReload = false
        // The whole book is read: nothing older needs reading on its own.
        staleOrders = []
        reloadLog = []
        defer {
            reloadLog = nil
            reloading = nil
        }
        // Whatever was queued before is written (or refused) first, so that the
        // disk cannot get ahead of the book read from it.
        await journal.flush()
        failuresSeen = journal.failedCommits
        var fresh: OrderBook
        do {
            fresh = try await journal.loadBook(finishedBefore: Self.cutoff(retention, lastNow))
        } catch {
            mustReload = true
            throw error
        }
        Self.replay(reloadLog ?? [], onto: &fresh)
        book = fresh
        stations = [:]
        reloads += 1
    }
}
