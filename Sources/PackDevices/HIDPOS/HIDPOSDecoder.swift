public import PackCore

/// Decodes the Scanned Data reports of a USB HID POS scanner (usage page 0x8C), as
/// read from /dev/hidraw*. The scanner sends the raw code bytes with its AIM
/// symbology identifier: no keyboard layout can garble them.
///
/// Report (64 bytes): [0] report id 2, [1] length of data (0-56), [2-4] AIM
/// identifier (`]C1`...), [5-60] data, [61] further identifier, [62] reserved,
/// [63] bit 0 set when the code continues in the next report.
public struct HIDPOSDecoder: Sendable {
    public static let scannedDataReportID: UInt8 = 2
    public static let dataCapacity = 56
    public var maxCodeLength: Int
    private var pending: [UInt8] = []
    private var aim: [UInt8] = []

    public init(maxCodeLength: Int = InputLimits.scanCodeBytes) { self.maxCodeLength = maxCodeLength }

    public enum Result: Sendable, Equatable {
        /// `code` starts with the AIM identifier when the scanner sent one, so that
        /// GS1 data is recognised downstream; `symbology` names it.
        case code(String, symbology: String?)
        case rejected(CodeRejection)
    }

    /// One report as read(2) returned it. Nil while a code continues, and for
    /// reports that carry no scan (other report ids).
    public mutating func feed(_ report: ArraySlice<UInt8>) -> Result? {
        let r = Array(report)
        guard r.count >= 5, r[0] == Self.scannedDataReportID else { return nil }
        let length = Int(r[1])
        guard length <= Self.dataCapacity, 5 + length <= r.count else {
            pending = []
            return .rejected(.badReport(length: length, size: r.count))
        }
        if pending.isEmpty { aim = Array(r[2...4]) }
        pending += r[5..<5 + length]
        let continues = r.count >= 64 && r[63] & 0x01 != 0
        if pending.count > maxCodeLength {
            let n = pending.count
            pending = []
            return .rejected(.tooLong(bytes: n, limit: maxCodeLength))
        }
        if continues { return nil }
        defer { pending = [] }
        if pending.isEmpty { return nil }
        if let nul = pending.firstIndex(of: 0) { return .rejected(.nulByte(at: nul)) }
        guard let data = String(validating: pending, as: UTF8.self) else {
            return .rejected(.invalidUTF8(at: 0))
        }
        let prefix = aim.first == UInt8(ascii: "]") ? String(decoding: aim, as: UTF8.self) : ""
        let symbology = AIMIdentifier.split(prefix + "x").0?.symbologyName
        return .code(prefix + data, symbology: symbology)
    }
}
