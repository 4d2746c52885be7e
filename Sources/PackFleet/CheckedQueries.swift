import Logging
import PostgresNIO

extension PostgresConnection {
    /// A query, refused at once on a connection that has closed.
    ///
    /// PostgresNIO (1.33) writes a query to its channel without a promise: on a
    /// connection the server has already closed, the query is never answered and
    /// its caller waits for ever. Found as packd stations that never answered
    /// again after a PostgreSQL restart (a pooled connection closed under them),
    /// and as a delivery lease that never let go. A connection closing between
    /// this check and the write still hangs; the window is a few instructions
    /// wide instead of the connection's whole dead life.
    @discardableResult
    func checkedQuery(_ query: PostgresQuery, logger: Logger, file: String = #fileID, line: Int = #line) async throws
        -> PostgresRowSequence
    {
        guard !isClosed else { throw FleetStoreError.unreachable("the connection to the store closed") }
        return try await self.query(query, logger: logger, file: file, line: line)
    }
}

extension PostgresClient {
    /// A transaction on a pooled connection whose BEGIN, COMMIT and ROLLBACK are
    /// checked queries too (PostgresNIO's own `withTransaction` sends them
    /// unchecked).
    func checkedTransaction<T: Sendable>(logger: Logger, _ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await withConnection { db in
            try await db.checkedQuery("BEGIN", logger: logger)
            let value: T
            do {
                value = try await body(db)
            } catch {
                _ = try? await db.checkedQuery("ROLLBACK", logger: logger)
                throw error
            }
            try await db.checkedQuery("COMMIT", logger: logger)
            return value
        }
    }
}
