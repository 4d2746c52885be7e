/// Spaces requests to at most `perSecond`, with a burst of one second's worth:
/// a backlog that built up while the core was away drains at the configured rate
/// instead of all at once.
struct RequestPacer: Sendable {
    let perSecond: Double
    private var tokens: Double
    private var last: ContinuousClock.Instant

    init(perSecond: Double, now: ContinuousClock.Instant = .now) {
        self.perSecond = perSecond
        tokens = max(1, perSecond)
        last = now
    }

    /// How long to wait before the next request may go (zero: now); takes its token.
    mutating func reserve(now: ContinuousClock.Instant = .now) -> Duration {
        guard perSecond > 0 else { return .zero }
        let elapsed = now - last
        last = now
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        tokens = min(max(1, perSecond), tokens + seconds * perSecond)
        tokens -= 1
        if tokens >= 0 { return .zero }
        return .milliseconds(Int((-tokens / perSecond * 1000).rounded(.up)))
    }
}
