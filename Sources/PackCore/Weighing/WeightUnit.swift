/// A unit a scale sends its weight in, and the exact conversion to grams.
///
/// Each unit is a ratio of grams (`gramsNumerator / gramsDenominator`), so that
/// "1.234 kg" is 1234 g and "2.5 lb" 1134 g exactly as a person would round it:
/// a Double would turn 0.1 lb into 45.359236999... and round a half gram the
/// wrong way now and then.
public enum WeightUnit: String, Sendable, Equatable, CaseIterable {
    case milligram = "mg"
    case gram = "g"
    case kilogram = "kg"
    case tonne = "t"
    case carat = "ct"
    case ounce = "oz"
    case pound = "lb"

    /// The unit a scale's text names (`kg`, `KG`, `lbs`, `g`...), or nil.
    public init?(scaleText: some StringProtocol) {
        switch scaleText.lowercased() {
        case "mg": self = .milligram
        case "g", "gr", "gm": self = .gram
        case "kg", "kgs": self = .kilogram
        case "t": self = .tonne
        case "ct": self = .carat
        case "oz": self = .ounce
        case "lb", "lbs", "#": self = .pound
        default: return nil
        }
    }

    var gramsNumerator: Int64 {
        switch self {
        case .milligram, .gram, .carat: 1
        case .kilogram: 1000
        case .tonne: 1_000_000
        case .ounce, .pound: 45_359_237  // 1 lb = 453.59237 g exactly; 1 oz = 1/16 lb
        }
    }

    var gramsDenominator: Int64 {
        switch self {
        case .gram, .kilogram, .tonne: 1
        case .milligram: 1000
        case .carat: 5
        case .pound: 100_000
        case .ounce: 1_600_000
        }
    }

    /// `value` (a decimal as the scale printed it) in whole grams, rounded half
    /// away from zero; nil when it would not fit (no scale weighs that much).
    public func grams(_ value: ScaleDecimal) -> Int? {
        guard let scale = value.scale else { return nil }
        let (numerator, overflow) = value.digits.multipliedReportingOverflow(by: gramsNumerator)
        guard !overflow else { return nil }
        let denominator = scale * gramsDenominator
        let rounded = (2 * numerator + denominator) / (2 * denominator)
        guard rounded <= ScaleDecimal.maxGrams else { return nil }
        return Int(value.negative ? -rounded : rounded)
    }
}

/// A decimal number as a scale prints it: a sign (maybe apart from the digits),
/// digits with at most one point. Kept as integers: no floating point on the way
/// from the frame to the grams.
public struct ScaleDecimal: Sendable, Equatable {
    public var negative: Bool
    /// The digits as one integer: "012.50" is 1250 with 2 fraction digits.
    public var digits: Int64
    public var fractionDigits: Int

    /// No scale packd reads weighs a hundred tonnes; beyond it a frame is noise.
    public static let maxGrams: Int64 = 100_000_000
    /// More significant digits than any scale display has is noise too.
    static let maxDigits = 10
    static let maxFractionDigits = 9

    /// 10 to the power of the fraction digits (what the digits are divided by);
    /// nil beyond `maxFractionDigits`.
    public var scale: Int64? {
        guard (0...Self.maxFractionDigits).contains(fractionDigits) else { return nil }
        var scale: Int64 = 1
        for _ in 0..<fractionDigits { scale *= 10 }
        return scale
    }

    public init(negative: Bool, digits: Int64, fractionDigits: Int) {
        self.negative = negative
        self.digits = digits
        self.fractionDigits = fractionDigits
    }

    /// "+  1.234", "-0012.5", "  0.200", "1234": nil for anything else (two
    /// points, a sign after the digits, no digit, letters, too many digits).
    public init?(_ text: some Collection<UInt8>) {
        var negative = false
        var sawSign = false
        var sawDigit = false
        var digits: Int64 = 0
        var significant = 0
        var fraction: Int?
        for byte in text {
            switch byte {
            case UInt8(ascii: " ") where !sawDigit && fraction == nil:
                continue
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                guard !sawSign, !sawDigit, fraction == nil else { return nil }
                sawSign = true
                negative = byte == UInt8(ascii: "-")
            case UInt8(ascii: "."), UInt8(ascii: ","):
                guard fraction == nil else { return nil }
                fraction = 0
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                sawDigit = true
                if digits > 0 || byte != UInt8(ascii: "0") { significant += 1 }
                guard significant <= Self.maxDigits else { return nil }
                digits = digits * 10 + Int64(byte - UInt8(ascii: "0"))
                if let f = fraction {
                    // No scale shows more decimals; more would overflow the scaling.
                    guard f < Self.maxFractionDigits else { return nil }
                    fraction = f + 1
                }
            default:
                return nil
            }
        }
        guard sawDigit else { return nil }
        self.init(negative: negative && digits != 0, digits: digits, fractionDigits: fraction ?? 0)
    }
}
