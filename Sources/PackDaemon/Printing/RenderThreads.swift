import CPackdLinux
import DequeModule
import Foundation

/// Threads of packd's own for the heavy work on a label's way (reading the order,
/// Pango/Cairo and zint, poppler rasterising a carrier PDF of up to 8 MiB).
///
/// Swift runs async code on a cooperative pool of one thread per core: two on a
/// station PC. A carrier PDF taking a second to rasterise there would hold half
/// the pool, and every station's scans would wait behind it. Work run with
/// `withTaskExecutorPreference(RenderThreads.shared)` runs here instead, at a
/// lower priority (nice 10), so the scheduler gives the scans' threads the CPU
/// first; a label renders as fast as before when nothing else runs.
public final class RenderThreads: TaskExecutor, @unchecked Sendable {
    public static let shared = RenderThreads(count: 2, nice: 10)

    private let condition = NSCondition()
    private var jobs = Deque<UnownedJob>()

    init(count: Int, nice: Int32) {
        for i in 0..<count {
            let thread = Thread { [self] in
                // Per thread on Linux: only these threads yield to the others.
                _ = packd_set_thread_nice(nice)
                _ = packd_set_thread_name("packd-render-\(i)")
                work()
            }
            thread.start()
        }
    }

    public func enqueue(_ job: UnownedJob) {
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func work() {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
