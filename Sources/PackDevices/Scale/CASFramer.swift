public import PackCore

/// CAS's enquiry protocol (PD-II, AP, ER and the like): packd sends ENQ, the scale
/// answers ACK; packd sends DC1, the scale sends one frame:
///
///     SOH STX S|U|F sign w w w w w w u u BCC ETX EOT
///
/// S stable, U moving, F over capacity; the sign a space or "-"; six characters of
/// weight with its point; a two-letter unit; BCC the XOR of the ten bytes from the
/// status to the unit. Some models send a status byte after EOT: it is ignored.
public struct CASFramer: ScaleFramer {
    private var frame: [UInt8] = []
    private var afterSOH = false
    private var inFrame = false

    public static let enquire: [UInt8] = [0x05]
    public static let requestWeight: [UInt8] = [0x11]

    public init() {}

    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [ScaleFrame] {
        var frames: [ScaleFrame] = []
        for byte in bytes {
            if inFrame {
                frame.append(byte)
                if frame.count == 13 {
                    frames.append(Self.decode(frame))
                    inFrame = false
                }
                continue
            }
            if afterSOH, byte == 0x02 {
                afterSOH = false
                inFrame = true
                frame.removeAll(keepingCapacity: true)
                continue
            }
            afterSOH = byte == 0x01
            if byte == 0x06 { frames.append(.answer(.ready)) }
            if byte == 0x15 { frames.append(.answer(.refused)) }
        }
        return frames
    }

    static func decode(_ frame: [UInt8]) -> ScaleFrame {
        // status, sign, six of weight, two of unit, BCC, ETX, EOT
        guard frame[11] == 0x03, frame[12] == 0x04 else { return .dropped(.unparsable) }
        guard frame[0..<10].reduce(0, ^) == frame[10] else { return .dropped(.checksum) }
        let stability: ScaleSample.Stability
        switch frame[0] {
        case UInt8(ascii: "S"): stability = .stable
        case UInt8(ascii: "U"): stability = .motion
        case UInt8(ascii: "F"): return .sample(ScaleSample(grams: 0, stability: .overload))
        default: return .dropped(.unparsable)
        }
        guard frame[1] == 0x20 || frame[1] == UInt8(ascii: "-") else { return .dropped(.unparsable) }
        // The sign goes before the digits, whatever spaces pad them.
        let number = (frame[1] == UInt8(ascii: "-") ? [UInt8(ascii: "-")] : []) + frame[2..<8]
        let unit = WeightUnit(scaleText: String(decoding: frame[8..<10].trimmingScaleSpaces(), as: UTF8.self))
        return ScaleSample.parse(number: number, unit: unit, stability: stability)
    }
}
