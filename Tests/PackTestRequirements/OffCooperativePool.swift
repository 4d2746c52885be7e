import Foundation
public import Testing

/// Runs a suite's tests on threads of their own instead of Swift's cooperative
/// pool (one thread per core: two here). The daemon, device and printing tests
/// are synchronous and block while real processes work; on the pool they would
/// hold both threads, and the in-process store tests (PostgresNIO) could not
/// resume for a minute (docs/testing.md). Here they block only threads of their own.
public struct OffCooperativePool: SuiteTrait, TestTrait, TestScoping {
    public var isRecursive: Bool { true }

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        // Only the test itself: a suite's scope would wrap its tests once more.
        guard testCase != nil else { return try await function() }
        try await withTaskExecutorPreference(BlockingTestThreads.shared) { try await function() }
    }
}

extension Trait where Self == OffCooperativePool {
    /// The suite's tests block threads of their own, not the cooperative pool.
    public static var offCooperativePool: Self { OffCooperativePool() }
}

/// A thread for each job: a job of a blocked test waits on its own thread, and
/// a task's jobs never run at once (the next is enqueued when one suspends).
final class BlockingTestThreads: TaskExecutor, @unchecked Sendable {
    static let shared = BlockingTestThreads()

    func enqueue(_ job: UnownedJob) {
        let executor = asUnownedTaskExecutor()
        // The default stack (8 MiB), as the test would have had on the pool.
        Thread { job.runSynchronously(on: executor) }.start()
    }
}
