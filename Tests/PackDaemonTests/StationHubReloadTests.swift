import Foundation
import PackTestSupport
import PackCore
import PackDaemon
import PackStore
import PackTestRequirements
import Testing

/// A journal that can be told a commit failed and whose book loads wait at a gate:
/// enough to make two reloads of the station hub overlap.
final class GatedJournal: ForwardingJournal, @unchecked Sendable {
    let inner: SQLiteJournal
    var base: any PackJournal { inner }
    private let lock = NSLock()
    private var failures = 0
    private var loads = 0
    private var failureReads = 0
    private var gateOpen = true
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(_ inner: SQLiteJournal) { self.inner = inner }

    var loadCount: Int { lock.withLock { loads } }
    /// How often the hub asked whether a commit failed: it asks first thing when a
    /// scan arrives, so a rise says a scan has reached the hub.
    var failureReadCount: Int { lock.withLock { failureReads } }
    func failCommit() { lock.withLock { failures += 1 } }
    func closeGate() { lock.withLock { gateOpen = false } }
    func openGate() {
        let resumed = lock.withLock { () -> [CheckedContinuation<Void, Never>] in
            gateOpen = true
            defer { waiting = [] }
            return waiting
        }
        for continuation in resumed { continuation.resume() }
    }

    func loadBook(finishedBefore cutoff: Timestamp?) async throws -> OrderBook {
        let book = try await inner.loadBook(finishedBefore: cutoff)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let pass = lock.withLock { () -> Bool in
                loads += 1
                if gateOpen { return true }
                waiting.append(continuation)
                return false
            }
            if pass { continuation.resume() }
        }
        return book
    }
    var failedCommits: Int {
        lock.withLock {
            failureReads += 1
            return failures
        } + inner.failedCommits
    }
}

@Suite(.offCooperativePool) struct StationHubReloadTests {
    let temp = TempDirectory("reload")
    var dir: String { temp.path }
    let t0 = Timestamp(millisecondsSinceEpoch: 1_795_334_400_000)

    /// After a failed write every station waits for one reload: a second one,
    /// finishing last with an older book, would undo what was decided meanwhile.
    @Test(.timeLimit(.minutes(3)))
    func stationsWaitingForAReloadShareOne() async throws {
        let orders = SyntheticOrders.make(count: 2, prefix: "L", skusPerOrder: 1, catalogueSize: 10)
        let sqlite = try SQLiteJournal(directory: dir)
        _ = try await sqlite.importOrders(orders, at: t0)
        let journal = GatedJournal(sqlite)
        let hub = try await StationHub(journal: journal, config: PackConfig())
        #expect(journal.loadCount == 1)

        journal.failCommit()
        journal.closeGate()
        let t0 = self.t0
        let first = Task {
            try await hub.handle(Scan(code: orders[0].parcels[0].waybill, device: "a", atMs: 0), station: "st-1", now: t0)
        }
        try await waitFor { journal.loadCount == 2 }
        let readsBefore = journal.failureReadCount
        let second = Task {
            try await hub.handle(Scan(code: orders[1].parcels[0].waybill, device: "b", atMs: 0), station: "st-2", now: t0)
        }
        // The second scan has reached the hub (it asked about failures), so in the
        // same turn it either waits for the reload in flight or starts its own;
        // its own load would pass the gate once it opens, and be counted below.
        try await waitFor { journal.failureReadCount > readsBefore }
        #expect(journal.loadCount == 2)
        journal.openGate()
        #expect(try await first.value.outcome.kind == .parcelOpened)
        #expect(try await second.value.outcome.kind == .parcelOpened)
        #expect(journal.loadCount == 2)
        // Both openings hold in the book.
        #expect(try await hub.view(of: "st-1").parcel?.openAt == "st-1")
        #expect(try await hub.view(of: "st-2").parcel?.openAt == "st-2")
    }

    /// Waits up to 60 s for `condition` (the whole suite on two cores can hold
    /// Swift's threads for many seconds).
    func waitFor(_ condition: () -> Bool) async throws {
        let deadline = Date().addingTimeInterval(60)
        while !condition() {
            guard Date() < deadline else { throw CancellationError() }
            try await Task.sleep(for: .milliseconds(1))
        }
    }
}
