import Synchronization
import Testing

@testable import PackFleet

/// Every store call answers at its deadline, even when the query under it does
/// not end when cancelled (a frozen server).
@Suite(.timeLimit(.minutes(1))) struct DeadlineTests {
    struct Late: Error {}

    @Test func workThatIgnoresCancellationIsAnsweredAtTheLimit() async throws {
        let gate = Gate()
        let started = ContinuousClock.now
        await #expect(throws: Late.self) {
            try await Deadline.run(within: .milliseconds(200), onTimeout: { Late() }) {
                await gate.wait()  // ignores cancellation, like a query on a dead connection
                return 1
            }
        }
        #expect(ContinuousClock.now - started < .seconds(30))
        gate.open()
    }

    @Test func anAnswerBeforeTheLimitIsReturned() async throws {
        let value = try await Deadline.run(within: .seconds(60), onTimeout: { Late() }) { 42 }
        #expect(value == 42)
    }

    @Test func theWorksOwnErrorIsReturned() async throws {
        struct Refused: Error {}
        await #expect(throws: Refused.self) {
            try await Deadline.run(within: .seconds(60), onTimeout: { Late() }) { () async throws -> Int in throw Refused() }
        }
    }

    @Test func cancellingTheCallerAnswersAtOnce() async throws {
        let gate = Gate()
        let call = Task {
            try await Deadline.run(within: .seconds(600), onTimeout: { Late() }) {
                await gate.wait()
                return 1
            }
        }
        call.cancel()
        await #expect(throws: CancellationError.self) { try await call.value }
        gate.open()
    }
}

/// A wait that only `open()` ends.
final class Gate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func wait() async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state -> Bool in
                if state.open { return true }
                state.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    func open() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        waiters.forEach { $0.resume() }
    }
}
