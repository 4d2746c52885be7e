public import PackCore

/// 耀华 XK3190-A12 and A12E continuous output, one frame per display update, no
/// stability flag:
///
///     ww000.250kg            "w", then w (weight), n (net) or t (tare), the weight
///     wn-0000.1kg            and its unit; ended by CR LF or by the next "w"
///     W G   1.234 kg 3D      the A12E form: G (gross) or N (net), spaces, and the
///                            XOR of the bytes before it as two hex nibbles
///     ww  OL  kg             over capacity
///
/// Tare frames (`wt`) carry the tare, not the parcel: they give no sample.
public struct XK3190A12Framer: ScaleFramer {
    private var lines = ScaleLines(limit: 48)
    public let unit: WeightUnit

    public init(unit: WeightUnit = .kilogram) { self.unit = unit }

    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [ScaleFrame] {
        var frames: [ScaleFrame] = []
        for byte in bytes {
            // A frame starts (unless this "w" is the function after the first):
            // the one before it, unterminated, ends here.
            if byte == UInt8(ascii: "w") || byte == UInt8(ascii: "W"), lines.count != 1 {
                if case .line(let line)? = lines.take(0x0D), let frame = Self.decode(line, unit: unit) {
                    frames.append(frame)
                }
                lines.restart()
            }
            switch lines.take(byte) {
            case .line(let line)?: if let frame = Self.decode(line, unit: unit) { frames.append(frame) }
            case .tooLong?: frames.append(.dropped(.tooLong))
            case nil: break
            }
        }
        return frames
    }

    static func decode(_ line: [UInt8], unit defaultUnit: WeightUnit) -> ScaleFrame? {
        // Noise before a scale's first frame (switched on mid-frame) is no frame.
        guard line.first == UInt8(ascii: "w") || line.first == UInt8(ascii: "W") else { return nil }
        var rest = line.dropFirst().trimmingScaleSpaces()
        switch rest.first.map({ $0 | 0x20 }) {
        case UInt8(ascii: "t")?: return nil
        case UInt8(ascii: "w")?, UInt8(ascii: "n")?, UInt8(ascii: "g")?: rest = rest.dropFirst().trimmingScaleSpaces()
        default: return .dropped(.unparsable)
        }
        // A trailing checksum: two hex digits apart from the unit.
        if let space = rest.lastIndex(of: 0x20), rest.index(after: space) < rest.endIndex,
            rest[rest.index(after: space)...].count == 2,
            rest[rest.index(after: space)...].allSatisfy({ Self.hexValue($0) != nil })
        {
            let written = rest[rest.index(after: space)...].map { Self.hexValue($0)! }
            let body = line[line.startIndex..<space].trimmingScaleSpaces()
            let xor = body.reduce(0, ^)
            guard written[0] == xor >> 4, written[1] == xor & 0x0F else { return .dropped(.checksum) }
            rest = rest[..<space].trimmingScaleSpaces()
        }
        if zip(rest, rest.dropFirst()).contains(where: { $0 == UInt8(ascii: "O") && $1 == UInt8(ascii: "L") }) {
            return .sample(ScaleSample(grams: 0, stability: .overload))
        }
        let (number, unitText) = rest.splitScaleWeight()
        return ScaleSample.parse(number: number, unit: .written(unitText, else: defaultUnit), stability: .unflagged)
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
