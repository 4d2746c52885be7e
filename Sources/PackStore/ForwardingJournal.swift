public import PackCore

/// A journal that hands everything to another one, so that a wrapper (a
/// benchmark's baseline, a test's observer) only writes what it changes.
public protocol ForwardingJournal: PackJournal {
    var base: any PackJournal { get }
}

extension ForwardingJournal {
    public func importOrders(_ orders: [Order], at time: Timestamp) async throws -> ImportSummary {
        try await base.importOrders(orders, at: time)
    }
    public func importOrders(_ orders: [Order], at time: Timestamp, approval: ApprovalPrinting?) async throws -> ImportSummary {
        try await base.importOrders(orders, at: time, approval: approval)
    }
    public func loadBook() async throws -> OrderBook { try await base.loadBook() }
    public func loadBook(finishedBefore: Timestamp?) async throws -> OrderBook {
        try await base.loadBook(finishedBefore: finishedBefore)
    }
    public func flush() async { await base.flush() }
    public func loadStation(_ id: String) async throws -> StationState? { try await base.loadStation(id) }
    public func record(_ commit: ScanCommit) async throws { try await base.record(commit) }
    public func enqueue(_ commit: ScanCommit) -> CommitTicket { base.enqueue(commit) }
    public var failedCommits: Int { base.failedCommits }
    public func stockLevels() async throws -> [StockLevel] { try await base.stockLevels() }
    public func stockMovements(sku: String?, limit: Int) async throws -> [StockMovement] {
        try await base.stockMovements(sku: sku, limit: limit)
    }
    public func setStock(sku: String, quantity: Int, at time: Timestamp, note: String?) async throws -> StockMovement {
        try await base.setStock(sku: sku, quantity: quantity, at: time, note: note)
    }
    public func outbox(limit: Int) async throws -> [OutboxEntry] { try await base.outbox(limit: limit) }
    public func importFeedPage(
        _ orders: [Order], positions: [Int]?, rejected: [InputDeadLetter], cursor: String, feed: String, at time: Timestamp,
        approval: ApprovalPrinting?
    ) async throws -> (summary: ImportSummary, accepted: [Order], rejected: [InputDeadLetter]) {
        try await base.importFeedPage(
            orders, positions: positions, rejected: rejected, cursor: cursor, feed: feed, at: time, approval: approval)
    }
}
