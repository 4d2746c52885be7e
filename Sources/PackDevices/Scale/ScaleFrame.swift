public import PackCore

/// One weight as a frame carried it, before packd decides whether it is stable.
public struct ScaleSample: Sendable, Equatable {
    public enum Stability: Sendable, Equatable {
        /// The scale's own flag says settled.
        case stable
        /// The scale's own flag says moving.
        case motion
        /// The protocol has no flag (XK3190 continuous output): packd decides from
        /// unchanged readings (`stable_ms`).
        case unflagged
        /// Over capacity, under zero, or a fault: no weight.
        case overload
        case underload
        case error
    }

    /// The weight in grams; 0 when the frame held none (overload, a fault).
    public var grams: Int
    public var stability: Stability

    public init(grams: Int, stability: Stability) {
        self.grams = grams
        self.stability = stability
    }
}

/// Why a frame gave no sample. The reader counts them (a scale set to the wrong
/// protocol or baud rate shows as a stream of these) and carries on.
public enum ScaleFrameProblem: Sendable, Equatable {
    case checksum
    case unparsable
    /// A frame longer than any of its protocol's.
    case tooLong
    /// A unit packd cannot convert to grams.
    case unit
}

/// An answer to a command packd sent, other than a weight.
public enum ScaleAnswer: Sendable, Equatable {
    /// CAS: the scale acknowledged the enquiry and will send a weight when asked.
    case ready
    case zeroed
    case tared
    /// The scale could not carry out the command now (MT-SICS `I`, an `E` error).
    case refused
}

/// What a framer makes of the bytes.
public enum ScaleFrame: Sendable, Equatable {
    case sample(ScaleSample)
    case dropped(ScaleFrameProblem)
    case answer(ScaleAnswer)
}

/// Cuts one protocol's byte stream into frames, however read(2) split it, and
/// resynchronises on the next frame after noise, a broken frame or a scale
/// switched on mid-frame. Pure: the reader feeds it whatever it read.
public protocol ScaleFramer: Sendable {
    mutating func feed(_ bytes: some Sequence<UInt8>) -> [ScaleFrame]
}

extension BidirectionalCollection<UInt8> {
    /// "+  1.234kg", "12.5 lb", "250": the number (sign, spaces, digits, point)
    /// and the text after it (the unit, maybe more), without its spaces.
    func splitScaleWeight() -> (number: SubSequence, rest: SubSequence) {
        let isNumber: (UInt8) -> Bool = {
            $0 == 0x20 || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") || (0x30...0x39).contains($0)
        }
        let number = prefix(while: isNumber)
        return (number, self[number.endIndex...].trimmingScaleSpaces())
    }
}

extension WeightUnit {
    /// The unit a frame writes; `fallback` when it writes none.
    static func written(_ text: some Collection<UInt8>, else fallback: WeightUnit?) -> WeightUnit? {
        text.isEmpty ? fallback : WeightUnit(scaleText: String(decoding: text, as: UTF8.self))
    }
}

extension ScaleSample {
    /// A sample from a weight's text and unit as the frame held them; the frame
    /// problem when they do not make a weight.
    static func parse(
        number: some BidirectionalCollection<UInt8>, unit: WeightUnit?, stability: Stability
    ) -> ScaleFrame {
        guard let value = ScaleDecimal(number.trimmingScaleSpaces()) else { return .dropped(.unparsable) }
        guard let unit else { return .dropped(.unit) }
        guard let grams = unit.grams(value) else { return .dropped(.unparsable) }
        return .sample(ScaleSample(grams: grams, stability: stability))
    }
}
