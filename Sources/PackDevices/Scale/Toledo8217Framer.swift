public import PackCore

/// The Toledo 8217 protocol (7 data bits, even parity, 9600 baud; scanner-scales
/// such as Datalogic Magellan speak it too): packd sends `W`, the scale answers
///
///     STX 01.234 CR         a stable weight: three decimals in kilograms, two in
///                           pounds (`012.34`), or the unit written after it
///     STX ? <status> CR     no weight: a status byte, bit 0 motion, bit 1 over
///                           capacity, bit 2 under zero, bit 4 at the centre of zero
///
/// `Z` zeroes the scale. The parity bit is dropped when the port was opened 8N1.
public struct Toledo8217Framer: ScaleFramer {
    private var frame: [UInt8] = []
    private var inFrame = false
    /// The unit of a weight with neither three nor two decimals nor a unit.
    public let unit: WeightUnit

    public static let weigh = Array("W".utf8)

    public init(unit: WeightUnit = .kilogram) { self.unit = unit }

    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [ScaleFrame] {
        var frames: [ScaleFrame] = []
        for raw in bytes {
            let byte = raw & 0x7F
            switch byte {
            case 0x02:
                // A new frame; a frame cut off by it is lost.
                if inFrame { frames.append(.dropped(.unparsable)) }
                inFrame = true
                frame.removeAll(keepingCapacity: true)
            case 0x0D where inFrame:
                inFrame = false
                frames.append(Self.decode(frame, unit: unit))
            default:
                guard inFrame else { continue }
                frame.append(byte)
                if frame.count > 16 {
                    inFrame = false
                    frames.append(.dropped(.tooLong))
                }
            }
        }
        return frames
    }

    static func decode(_ frame: [UInt8], unit: WeightUnit) -> ScaleFrame {
        if frame.first == UInt8(ascii: "?") {
            guard frame.count == 2 else { return .dropped(.unparsable) }
            let status = frame[1]
            if status & 0b10 != 0 { return .sample(ScaleSample(grams: 0, stability: .overload)) }
            if status & 0b100 != 0 { return .sample(ScaleSample(grams: 0, stability: .underload)) }
            if status & 0b1 != 0 { return .sample(ScaleSample(grams: 0, stability: .motion)) }
            if status & 0b1_0000 != 0 { return .sample(ScaleSample(grams: 0, stability: .stable)) }
            return .sample(ScaleSample(grams: 0, stability: .error))
        }
        var (number, letters) = frame.trimmingScaleSpaces().splitScaleWeight()
        // "N": a net weight (a tare is set); the weight is the same.
        if letters.last == UInt8(ascii: "N") || letters.last == UInt8(ascii: "n") { letters = letters.dropLast() }
        let decimals = number.split(separator: UInt8(ascii: ".")).dropFirst().first?.count
        let inferred: WeightUnit = decimals == 3 ? .kilogram : decimals == 2 ? .pound : unit
        return ScaleSample.parse(number: number, unit: .written(letters, else: inferred), stability: .stable)
    }
}
