public import PackCore

/// The continuous output most scale indicators send several times a second, one
/// line each, with no request:
///
///     ST,GS,+  1.234kg      stable, gross          US,NT,-  0.200kg   moving, net
///     OL,GS,+  9.999kg      overload               ST,GS,01,+0001.234,kg
///
/// Vendors differ in spacing, a device number, and the unit in its own field:
/// the status is the first field, the weight the last field holding a digit, its
/// unit written after it or in the next field (else `unit`).
public struct ContinuousFramer: ScaleFramer {
    private var lines = ScaleLines(limit: 64)
    public let unit: WeightUnit

    public init(unit: WeightUnit = .kilogram) { self.unit = unit }

    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [ScaleFrame] {
        var frames: [ScaleFrame] = []
        for byte in bytes {
            switch lines.take(byte) {
            case .line(let line)?: frames.append(Self.decode(line, unit: unit))
            case .tooLong?: frames.append(.dropped(.tooLong))
            case nil: break
            }
        }
        return frames
    }

    static func decode(_ line: [UInt8], unit defaultUnit: WeightUnit) -> ScaleFrame {
        let fields = line.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false).map { $0.trimmingScaleSpaces() }
        guard fields.count >= 2 else { return .dropped(.unparsable) }
        let stability: ScaleSample.Stability
        switch String(decoding: fields[0], as: UTF8.self).uppercased() {
        case "ST": stability = .stable
        case "US": stability = .motion
        case "OL": return .sample(ScaleSample(grams: 0, stability: .overload))
        default: return .dropped(.unparsable)
        }
        guard let at = fields.indices.dropFirst().last(where: { fields[$0].contains(where: { (0x30...0x39).contains($0) }) })
        else { return .dropped(.unparsable) }
        var (number, unitText) = fields[at].splitScaleWeight()
        if unitText.isEmpty, at + 1 < fields.count { unitText = fields[at + 1] }
        return ScaleSample.parse(number: number, unit: .written(unitText, else: defaultUnit), stability: stability)
    }
}
