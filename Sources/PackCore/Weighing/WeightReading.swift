/// What a scale says the parcel on it weighs (contracts.md section 8): whole
/// grams whatever unit the scale sends, never a float on the wire.
public struct WeightReading: Sendable, Equatable {
    public enum State: String, Sendable, Equatable, CaseIterable {
        /// Settled: the scale's own flag, or unchanged for `stable_ms`.
        case stable
        case motion
        /// Settled at zero: nothing on the scale.
        case zero
        /// Over capacity, or under zero: no weight to read.
        case overload
        case underload
        /// The scale reports a fault (calibration, a failed self-test...).
        case error
    }

    /// The weight in grams; 0 when the state carries no weight.
    public var grams: Int
    public var state: State

    public init(grams: Int, state: State) {
        self.grams = grams
        self.state = state
    }
}
