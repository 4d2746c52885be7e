/// Capped exponential backoff with jitter: the n-th retry waits between half and
/// all of `base * 2^n` (at most `cap`), so that many stations retrying after one
/// outage do not all come back in the same instant.
public struct Backoff: Sendable, Equatable {
    public var baseMs: Int
    public var capMs: Int

    public init(baseMs: Int, capMs: Int) {
        self.baseMs = max(1, baseMs)
        self.capMs = max(self.baseMs, capMs)
    }

    /// The full (un-jittered) delay after `failures` failures in a row (1: the first).
    public func ceilingMs(after failures: Int) -> Int {
        let doublings = min(max(failures - 1, 0), 30)
        let (scaled, overflow) = baseMs.multipliedReportingOverflow(by: 1 << doublings)
        return overflow ? capMs : min(scaled, capMs)
    }

    public func delayMs<G: RandomNumberGenerator>(after failures: Int, using rng: inout G) -> Int {
        let ceiling = ceilingMs(after: failures)
        return ceiling / 2 + Int.random(in: 0...(ceiling - ceiling / 2), using: &rng)
    }
}
