import Logging
public import PackCore
import PostgresNIO
import Synchronization

/// Follows what the other packd of the fleet change: every commit that touches an
/// order announces it on `PostgresJournal.channel`, and this turns the
/// announcements into batches of order ids for the station hub to read again.
///
/// Notifications are not kept for a listener that is away: after its connection
/// broke, it listens again and only then asks for a full resynchronisation, so
/// that nothing committed in between is missed.
public final class FleetListener: Sendable {
    private let journal: PostgresJournal
    private let changed: @Sendable ([String]) async -> Void
    private let resynchronize: @Sendable () async -> Void
    private let connection: @Sendable (Bool) -> Void
    private let pending = Mutex<Set<String>>([])
    /// Parcels other packd moved, with their new states: applied without a read.
    private let restates = Mutex<[ParcelKey: ParcelState]>([:])
    private let restated: @Sendable ([ParcelKey: ParcelState]) async -> Void
    /// Labels other packd queued for this one's printers (on approval).
    private let labels = Mutex<[String]>([])
    private let labelQueued: @Sendable ([String]) async -> Void
    private let bell: AsyncStream<Void>.Continuation
    private let rings: AsyncStream<Void>
    /// Set once the first LISTEN is in place (tests and start-up wait for it).
    private let listening = Mutex<Bool>(false)

    public init(
        journal: PostgresJournal, changed: @escaping @Sendable ([String]) async -> Void,
        resynchronize: @escaping @Sendable () async -> Void, connection: @escaping @Sendable (Bool) -> Void = { _ in },
        restated: @escaping @Sendable ([ParcelKey: ParcelState]) async -> Void,
        labelQueued: @escaping @Sendable ([String]) async -> Void = { _ in }
    ) {
        self.restated = restated
        self.labelQueued = labelQueued
        self.journal = journal
        self.changed = changed
        self.resynchronize = resynchronize
        self.connection = connection
        (rings, bell) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    public var isListening: Bool { listening.withLock { $0 } }

    /// Listens until cancelled, reconnecting after a lost connection.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.deliver() }
            group.addTask { await self.listen() }
            await group.next()
            group.cancelAll()
        }
    }

    /// Hands the ids that arrived to the hub, as many at a time as came meanwhile.
    private func deliver() async {
        for await _ in rings {
            // States first: an order read below is read as it is now, after them.
            let states = restates.withLock { states in
                defer { states = [:] }
                return states
            }
            if !states.isEmpty { await restated(states) }
            let ids = pending.withLock { ids in
                defer { ids = [] }
                return ids
            }
            if !ids.isEmpty { await changed(Array(ids)) }
            let jobs = labels.withLock { jobs in
                defer { jobs = [] }
                return jobs
            }
            if !jobs.isEmpty { await labelQueued(jobs) }
        }
    }

    private func listen() async {
        var first = true
        var pause = Duration.milliseconds(100)
        let node = journal.node
        while !Task.isCancelled {
            do {
                try await journal.client.withConnection { db in
                    try await db.listen(on: PostgresJournal.channel) { notifications in
                        if !first { await self.resynchronize() }
                        first = false
                        self.listening.withLock { $0 = true }
                        self.connection(true)
                        pause = .milliseconds(100)
                        for try await notification in notifications {
                            switch FleetNotifier.Note(payload: notification.payload) {
                            case .order(let id, let by) where by != node:
                                // Our own changes are in our book already.
                                self.pending.withLock { _ = $0.insert(id) }
                                self.bell.yield()
                            case .parcels(_, let by, let states) where by != node:
                                // The latest word on each parcel wins (notifications
                                // arrive in commit order).
                                self.restates.withLock { $0.merge(states) { _, new in new } }
                                self.bell.yield()
                            case .print(let jobId, let owner, let by) where owner == node && by != node:
                                self.labels.withLock { $0.append(jobId) }
                                self.bell.yield()
                            default:
                                break
                            }
                        }
                    }
                }
            } catch {
                if Task.isCancelled { break }
                connection(false)
                journal.logger.warning(
                    "store notifications lost; listening again", metadata: ["error": "\(FleetStoreError.describe(error))"])
            }
            first = false
            try? await Task.sleep(for: pause)
            pause = min(pause * 2, .seconds(2))
        }
        bell.finish()
    }
}
