public import PackCore

/// 耀华 XK3190-A9 continuous output, in either of its two formats (the indicator's
/// tF setting), several frames a second with no request and no stability flag:
///
///     STX + 001234 2 XH XL ETX   sign, six digits (high first), the decimal places,
///                                the XOR of those eight bytes as two hex nibbles
///     =43.2100                   "=" then the display's characters reversed
///                                (0012.34 kg), a "-" where the display shows one
public struct XK3190A9Framer: ScaleFramer {
    private enum Mode: Sendable { case idle, binary, reversed }
    private var mode = Mode.idle
    private var buffer: [UInt8] = []
    public let unit: WeightUnit

    public init(unit: WeightUnit = .kilogram) { self.unit = unit }

    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [ScaleFrame] {
        var frames: [ScaleFrame] = []
        for byte in bytes {
            switch byte {
            case 0x02:
                if mode == .binary { frames.append(.dropped(.unparsable)) }
                mode = .binary
                buffer.removeAll(keepingCapacity: true)
            case UInt8(ascii: "=") where mode != .binary:
                if mode == .reversed, !buffer.isEmpty { frames.append(reversedFrame()) }
                mode = .reversed
                buffer.removeAll(keepingCapacity: true)
            default:
                switch mode {
                case .idle: continue
                case .binary:
                    buffer.append(byte)
                    if buffer.count == 11 {
                        frames.append(binaryFrame())
                        mode = .idle
                    }
                case .reversed:
                    buffer.append(byte)
                    // Six digits and a point (the point is among the first five
                    // reversed characters when there is one), or six digits.
                    let hasPoint = buffer.contains(UInt8(ascii: "."))
                    if buffer.count == 7 || (buffer.count == 6 && !hasPoint) {
                        frames.append(reversedFrame())
                        mode = .idle
                    }
                }
            }
        }
        return frames
    }

    private func binaryFrame() -> ScaleFrame {
        // sign, d1...d6, decimals, XH, XL, ETX
        guard buffer[10] == 0x03, buffer[0] == UInt8(ascii: "+") || buffer[0] == UInt8(ascii: "-"),
            (UInt8(ascii: "0")...UInt8(ascii: "5")).contains(buffer[7])
        else { return .dropped(.unparsable) }
        let xor = buffer[0..<8].reduce(0, ^)
        guard Self.nibbleMatches(buffer[8], xor >> 4), Self.nibbleMatches(buffer[9], xor & 0x0F) else {
            return .dropped(.checksum)
        }
        let digits = buffer[1..<7]
        let decimals = Int(buffer[7] - UInt8(ascii: "0"))
        var text = [buffer[0]] + digits.prefix(6 - decimals)
        if decimals > 0 { text += [UInt8(ascii: ".")] + digits.suffix(decimals) }
        return ScaleSample.parse(number: text, unit: unit, stability: .unflagged)
    }

    /// Six characters, or seven with the point: anything shorter was cut off.
    private func reversedFrame() -> ScaleFrame {
        let hasPoint = buffer.contains(UInt8(ascii: "."))
        guard buffer.count == (hasPoint ? 7 : 6) else { return .dropped(.unparsable) }
        return ScaleSample.parse(number: Array(buffer.reversed()), unit: unit, stability: .unflagged)
    }

    /// A nibble as the indicator writes it: "0"-"9", then "A"-"F" (some firmware
    /// writes ":"-"?", the nibble plus "0" throughout).
    static func nibbleMatches(_ byte: UInt8, _ nibble: UInt8) -> Bool {
        byte == UInt8(ascii: "0") + nibble || (nibble > 9 && byte == UInt8(ascii: "A") + nibble - 10)
    }
}
