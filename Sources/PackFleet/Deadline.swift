import Synchronization

/// Runs work that must answer within a time limit, and returns on time even
/// when the work ignores cancellation.
///
/// A task group cannot do this: it waits for every child before it returns, and
/// a query sent to a PostgreSQL that stopped answering (a frozen server, a cable
/// pulled mid-query) does not end when its task is cancelled. A scan waiting on
/// it would wait until TCP gave up, minutes later. Here the caller is answered
/// at the limit; the abandoned work is cancelled and ends when its connection
/// does.
enum Deadline {
    static func run<T: Sendable>(
        within limit: Duration,
        onTimeout timeout: @escaping @Sendable () -> any Error,
        _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let race = Race<T>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                race.start(continuation)
                let work = Task {
                    let result: Result<T, any Error>
                    do { result = .success(try await body()) } catch { result = .failure(error) }
                    race.finish(result)
                }
                let timer = Task {
                    try await Task.sleep(for: limit)
                    race.finish(.failure(timeout()))
                }
                race.hold(work: work, timer: timer)
            }
        } onCancel: {
            race.finish(.failure(CancellationError()))
        }
    }

    /// The first of the work, the timer and the caller's cancellation to finish
    /// answers; the other two are cancelled.
    private final class Race<T: Sendable>: Sendable {
        private struct State {
            var continuation: CheckedContinuation<T, any Error>?
            var pending: Result<T, any Error>?
            var work: Task<Void, Never>?
            var timer: Task<Void, any Error>?
            var finished = false
        }
        private let state = Mutex(State())

        func start(_ continuation: CheckedContinuation<T, any Error>) {
            let early = state.withLock { state -> Result<T, any Error>? in
                state.continuation = continuation
                return state.pending
            }
            if let early { continuation.resume(with: early) }
        }

        func hold(work: Task<Void, Never>, timer: Task<Void, any Error>) {
            let finished = state.withLock { state -> Bool in
                state.work = work
                state.timer = timer
                return state.finished
            }
            if finished { work.cancel(); timer.cancel() }
        }

        func finish(_ result: Result<T, any Error>) {
            let (continuation, work, timer) = state.withLock { state -> (CheckedContinuation<T, any Error>?, Task<Void, Never>?, Task<Void, any Error>?) in
                guard !state.finished else { return (nil, nil, nil) }
                state.finished = true
                let continuation = state.continuation
                state.continuation = nil
                // Cancelled before the continuation existed: answer as soon as it does.
                if continuation == nil { state.pending = result }
                return (continuation, state.work, state.timer)
            }
            continuation?.resume(with: result)
            work?.cancel()
            timer?.cancel()
        }
    }
}
