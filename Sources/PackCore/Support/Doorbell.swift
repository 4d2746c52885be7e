/// Wakes a worker that waits for work: rung when a job is queued, waited on with
/// a time limit so that a missed ring costs at most that long.
public actor Doorbell {
    private var rung = false
    private var waiter: CheckedContinuation<Void, Never>?

    public init() {}

    public func ring() {
        if let waiter {
            self.waiter = nil
            waiter.resume()
        } else {
            rung = true
        }
    }

    /// Returns when rung (or already rung since the last wait), or after `timeout`.
    public func wait(upTo timeout: Duration) async {
        if rung {
            rung = false
            return
        }
        let timer = Task {
            try? await Task.sleep(for: timeout)
            self.ring()
        }
        // Shutdown cancels the waiting worker: it must not sit out the timeout.
        await withTaskCancellationHandler {
            await withCheckedContinuation { waiter = $0 }
        } onCancel: {
            Task { await self.ring() }
        }
        timer.cancel()
        rung = false
    }
}
