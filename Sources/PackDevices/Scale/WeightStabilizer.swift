public import PackCore

/// Turns a scale's samples into readings (contracts.md section 8): stable by the
/// scale's own flag, or, for a protocol without one, once the same weight has
/// lasted `stableMs`; a reading older than `maxAgeMs` is absent (a scale that
/// stopped sending, or one asked and no longer answering). Pure: times are given.
public struct WeightStabilizer: Sendable {
    public let stableMs: Int64
    public let maxAgeMs: Int64
    private var last: (reading: WeightReading, atMs: Int64)?
    /// For unflagged samples: the weight and since when it has been unchanged.
    private var steady: (grams: Int, sinceMs: Int64)?

    public init(stableMs: Int64, maxAgeMs: Int64) {
        self.stableMs = max(0, stableMs)
        self.maxAgeMs = max(1, maxAgeMs)
    }

    /// The reading `sample` makes at `atMs`.
    @discardableResult
    public mutating func take(_ sample: ScaleSample, atMs: Int64) -> WeightReading {
        let reading: WeightReading
        switch sample.stability {
        case .stable:
            steady = nil
            reading = WeightReading(grams: sample.grams, state: sample.grams == 0 ? .zero : .stable)
        case .motion:
            steady = nil
            reading = WeightReading(grams: sample.grams, state: .motion)
        case .unflagged:
            if steady?.grams != sample.grams { steady = (sample.grams, atMs) }
            let settled = atMs - (steady?.sinceMs ?? atMs) >= stableMs
            reading = WeightReading(
                grams: sample.grams, state: settled ? (sample.grams == 0 ? .zero : .stable) : .motion)
        case .overload:
            steady = nil
            reading = WeightReading(grams: 0, state: .overload)
        case .underload:
            steady = nil
            reading = WeightReading(grams: 0, state: .underload)
        case .error:
            steady = nil
            reading = WeightReading(grams: 0, state: .error)
        }
        last = (reading, atMs)
        return reading
    }

    /// The reading now, or nil when there has been none for `maxAgeMs`.
    public func reading(atMs: Int64) -> WeightReading? {
        guard let last, atMs - last.atMs <= maxAgeMs else { return nil }
        return last.reading
    }

    /// Forgets what the scale said (unplugged, reconnected).
    public mutating func reset() {
        last = nil
        steady = nil
    }
}
