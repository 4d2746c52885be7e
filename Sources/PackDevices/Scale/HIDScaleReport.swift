public import PackCore

/// The weight report of a USB HID POS scale (usage page 0x8D; DYMO, Mettler
/// Toledo, Stamps.com, Fairbanks): six bytes,
///
///     report id (3), status, unit, exponent (signed), weight low byte, high byte
///
/// status: 1 fault, 2 stable at zero, 3 in motion, 4 stable, 5 under zero, 6 over
/// weight, 7 needs calibration, 8 needs re-zeroing; unit (the usage table's
/// "Weight Units"): 1 mg, 2 g, 3 kg, 4 ct, 11 oz, 12 lb; the weight is
/// (high × 256 + low) × 10^exponent in that unit (DYMO: tenths of an ounce).
public enum HIDScaleReport {
    public static let reportID: UInt8 = 3
    public static let reportLength = 6

    /// The sample a report holds, or the problem with it; nil for a report that is
    /// not a weight report (another report id).
    public static func decode(_ report: [UInt8]) -> ScaleFrame? {
        guard report.count >= reportLength else { return .dropped(.unparsable) }
        guard report[0] == reportID else { return nil }
        let stability: ScaleSample.Stability
        switch report[1] {
        case 2, 4: stability = .stable
        case 3: stability = .motion
        case 5: return .sample(ScaleSample(grams: 0, stability: .underload))
        case 6: return .sample(ScaleSample(grams: 0, stability: .overload))
        case 1, 7, 8: return .sample(ScaleSample(grams: 0, stability: .error))
        default: return .dropped(.unparsable)
        }
        let unit: WeightUnit
        switch report[2] {
        case 1: unit = .milligram
        case 2: unit = .gram
        case 3: unit = .kilogram
        case 4: unit = .carat
        case 11: unit = .ounce
        case 12: unit = .pound
        default: return .dropped(.unit)
        }
        let exponent = Int(Int8(bitPattern: report[3]))
        var raw = Int64(report[4]) | Int64(report[5]) << 8
        guard (-9...6).contains(exponent) else { return .dropped(.unparsable) }
        for _ in 0..<max(exponent, 0) { raw *= 10 }
        let value = ScaleDecimal(negative: false, digits: raw, fractionDigits: max(-exponent, 0))
        guard let grams = unit.grams(value) else { return .dropped(.unparsable) }
        // Stable at zero: whatever the scale's last digits say.
        if report[1] == 2 { return .sample(ScaleSample(grams: 0, stability: .stable)) }
        return .sample(ScaleSample(grams: grams, stability: stability))
    }
}
