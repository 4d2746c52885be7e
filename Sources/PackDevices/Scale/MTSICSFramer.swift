public import PackCore

/// Mettler Toledo MT-SICS (the Standard Interface Command Set): packd asks `S`
/// (a stable weight), `SI` (the weight now) or `SIR` (the weight now, repeated),
/// `Z` (zero) and `T` (tare), each ended by CR LF; the scale answers one line each:
///
///     S S      1.234 kg     stable            S D      1.230 kg   moving
///     S I                   not now           S +  /  S -         over / under range
///     Z A                   zeroed            T S    0.020 kg     tared
///     ES / ET / EL          an error          S S   2:04.5 lb:oz  pounds and ounces
public struct MTSICSFramer: ScaleFramer {
    private var lines = ScaleLines(limit: 64)

    public init() {}

    public static let weighNow = Array("SI\r\n".utf8)

    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [ScaleFrame] {
        var frames: [ScaleFrame] = []
        for byte in bytes {
            switch lines.take(byte) {
            case .line(let line)?: if let frame = Self.frame(line) { frames.append(frame) }
            case .tooLong?: frames.append(.dropped(.tooLong))
            case nil: break
            }
        }
        return frames
    }

    static func frame(_ line: [UInt8]) -> ScaleFrame? {
        let tokens = line.split(whereSeparator: { $0 == 0x20 || $0 == 0x09 })
        guard let command = tokens.first.map({ String(decoding: $0, as: UTF8.self) }) else { return nil }
        let status = tokens.count > 1 ? String(decoding: tokens[1], as: UTF8.self) : ""
        switch command {
        case "S", "SI", "SIR":
            switch status {
            case "S", "D":
                guard tokens.count >= 4 else { return .dropped(.unparsable) }
                let number = Array(tokens[2..<(tokens.count - 1)].joined())
                let unit = String(decoding: tokens[tokens.count - 1], as: UTF8.self)
                let stability: ScaleSample.Stability = status == "S" ? .stable : .motion
                if unit.lowercased() == "lb:oz" { return poundsAndOunces(number, stability: stability) }
                return ScaleSample.parse(number: number, unit: WeightUnit(scaleText: unit), stability: stability)
            case "+": return .sample(ScaleSample(grams: 0, stability: .overload))
            case "-": return .sample(ScaleSample(grams: 0, stability: .underload))
            case "I", "L": return .answer(.refused)
            default: return .dropped(.unparsable)
            }
        case "Z":
            return .answer(status == "A" ? .zeroed : .refused)
        case "T":
            return .answer(status == "S" ? .tared : .refused)
        case "ES", "ET", "EL":
            return .answer(.refused)
        default:
            // The answers to identification commands (I0 to I99) are no weight and
            // no fault: an automatic probe may ask them.
            if command.first == "I", command.dropFirst().allSatisfy(\.isNumber), command.count > 1 { return nil }
            return .dropped(.unparsable)
        }
    }

    /// "2:04.5" lb:oz: whole pounds, then ounces.
    static func poundsAndOunces(_ number: [UInt8], stability: ScaleSample.Stability) -> ScaleFrame {
        let parts = number.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        guard parts.count == 2, let pounds = ScaleDecimal(parts[0]), pounds.fractionDigits == 0,
            let ounces = ScaleDecimal(parts[1]), !ounces.negative
        else { return .dropped(.unparsable) }
        guard let scale = ounces.scale, pounds.digits < 1_000_000 else { return .dropped(.unparsable) }
        let (poundOunces, overflow) = (pounds.digits * 16).multipliedReportingOverflow(by: scale)
        guard !overflow else { return .dropped(.unparsable) }
        let total = ScaleDecimal(negative: pounds.negative, digits: poundOunces + ounces.digits, fractionDigits: ounces.fractionDigits)
        guard let grams = WeightUnit.ounce.grams(total) else { return .dropped(.unparsable) }
        return .sample(ScaleSample(grams: grams, stability: stability))
    }
}
