import Synchronization

/// A commit's place in the group committer's queue: resolved when the transaction
/// holding it is on disk, or has failed.
public final class CommitTicket: Sendable {
    private let state = Mutex<(result: Result<Void, any Error>?, waiters: [CheckedContinuation<Void, any Error>])>(
        (nil, []))

    package init() {}

    /// Returns once the commit is durable; throws if it could not be written.
    public func wait() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let result = state.withLock { s -> Result<Void, any Error>? in
                if s.result == nil { s.waiters.append(continuation) }
                return s.result
            }
            if let result { continuation.resume(with: result) }
        }
    }

    package func resolve(_ result: Result<Void, any Error>) {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, any Error>] in
            s.result = result
            defer { s.waiters = [] }
            return s.waiters
        }
        for w in waiters { w.resume(with: result) }
    }
}
