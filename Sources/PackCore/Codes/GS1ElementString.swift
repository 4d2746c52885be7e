/// A GS1 element string: application identifiers (AIs) and their data, as GS1-128,
/// GS1 DataMatrix, GS1 QR and DataBar carry them (GS1 General Specifications §7.8).
///
/// Accepted forms: raw (`0109501101530003` `10ABC` GS `2112345`, variable-length
/// fields ended by GS, FNC1), and the human-readable form with brackets
/// (`(01)09501101530003(10)ABC`).
public struct GS1ElementString: Sendable, Equatable {
    public struct Element: Sendable, Equatable {
        public var ai: String
        public var data: String
    }

    public var elements: [Element]

    public func value(_ ai: String) -> String? { elements.first { $0.ai == ai }?.data }

    /// The GTIN-14 of the trade item (AI 01), check digit verified.
    public var gtin: String? { value("01").flatMap(GTIN.normalize) }

    static let groupSeparator: UInt8 = 0x1D

    public static func parse(_ text: Substring) -> GS1ElementString? {
        if text.first == "(" { return parseBracketed(text) }
        return parseRaw(Array(text.utf8))
    }

    private static func parseRaw(_ b: [UInt8]) -> GS1ElementString? {
        var i = 0
        // A leading FNC1 sent as GS is allowed.
        while i < b.count, b[i] == groupSeparator { i += 1 }
        var elements: [Element] = []
        while i < b.count {
            guard let spec = AISpec.lookup(b, at: i) else { return nil }
            let ai = String(decoding: b[i..<i + spec.aiLength], as: UTF8.self)
            i += spec.aiLength
            var end: Int
            if let fixed = spec.fixedLength {
                end = i + fixed
                guard end <= b.count else { return nil }
            } else {
                end = i
                while end < b.count, b[end] != groupSeparator, end - i < spec.maxLength { end += 1 }
            }
            let data = b[i..<end]
            guard !data.isEmpty, !data.contains(groupSeparator), spec.accepts(data) else { return nil }
            elements.append(Element(ai: ai, data: String(decoding: data, as: UTF8.self)))
            i = end
            while i < b.count, b[i] == groupSeparator { i += 1 }
        }
        guard !elements.isEmpty else { return nil }
        return GS1ElementString(elements: elements)
    }

    private static func parseBracketed(_ text: Substring) -> GS1ElementString? {
        var elements: [Element] = []
        var rest = text[...]
        while !rest.isEmpty {
            guard rest.first == "(", let close = rest.firstIndex(of: ")") else { return nil }
            let ai = rest[rest.index(after: rest.startIndex)..<close]
            let afterClose = rest.index(after: close)
            let next = rest[afterClose...].firstIndex(of: "(") ?? rest.endIndex
            let data = Array(rest[afterClose..<next].utf8)
            let aiBytes = Array(ai.utf8)
            guard let spec = AISpec.lookup(aiBytes, at: 0), spec.aiLength == aiBytes.count else { return nil }
            if let fixed = spec.fixedLength, data.count != fixed { return nil }
            guard !data.isEmpty, data.count <= spec.maxLength, spec.accepts(data[...]) else { return nil }
            elements.append(Element(ai: String(ai), data: String(decoding: data, as: UTF8.self)))
            rest = rest[next...]
        }
        guard !elements.isEmpty else { return nil }
        return GS1ElementString(elements: elements)
    }
}

/// How long an AI is and how long its data may be.
struct AISpec {
    var aiLength: Int
    var fixedLength: Int?
    var maxLength: Int
    var numeric: Bool

    func accepts(_ data: ArraySlice<UInt8>) -> Bool {
        if numeric { return data.allSatisfy { $0 >= 48 && $0 <= 57 } }
        // GS1 AI encodable character set 82: printable ASCII without space and a few others.
        return data.allSatisfy { $0 > 0x20 && $0 < 0x7F }
    }

    static func fixed(_ ai: Int, _ n: Int) -> AISpec { AISpec(aiLength: ai, fixedLength: n, maxLength: n, numeric: true) }
    static func variable(_ ai: Int, _ n: Int, numeric: Bool = false) -> AISpec {
        AISpec(aiLength: ai, fixedLength: nil, maxLength: n, numeric: numeric)
    }

    /// The AI starting at `i`, from the GS1 table (common AIs; unknown ones fail the parse,
    /// so a code that only looks like GS1 is matched literally instead).
    static func lookup(_ b: [UInt8], at i: Int) -> AISpec? {
        func digit(_ k: Int) -> Int? {
            guard i + k < b.count, b[i + k] >= 48, b[i + k] <= 57 else { return nil }
            return Int(b[i + k] - 48)
        }
        guard let d0 = digit(0), let d1 = digit(1) else { return nil }
        let two = d0 * 10 + d1
        switch two {
        case 0: return .fixed(2, 18)  // SSCC
        case 1, 2: return .fixed(2, 14)  // GTIN, content GTIN
        case 10: return .variable(2, 20)  // batch/lot
        case 11, 12, 13, 15, 16, 17: return .fixed(2, 6)  // dates YYMMDD
        case 20: return .fixed(2, 2)  // variant
        case 21, 22: return .variable(2, 20)  // serial, CPV
        case 30, 37: return .variable(2, 8, numeric: true)  // count
        case 90: return .variable(2, 30)
        case 91...99: return .variable(2, 90)
        case 23, 24, 25, 40, 41, 42, 70, 71:
            guard let d2 = digit(2) else { return nil }
            let three = two * 10 + d2
            switch three {
            case 235: return .variable(3, 28)
            case 240, 241, 250, 251, 400, 401, 403: return .variable(3, 30)
            case 242: return .variable(3, 6, numeric: true)
            case 253: return .variable(3, 30)
            case 254: return .variable(3, 20)
            case 255: return .variable(3, 25, numeric: true)
            case 402: return .fixed(3, 17)
            case 410...417: return .fixed(3, 13)
            case 420: return .variable(3, 20)
            case 421: return .variable(3, 12)
            case 422, 424, 426: return .fixed(3, 3)
            case 423, 425: return .variable(3, 15, numeric: true)
            case 427: return .variable(3, 3)
            case 710...716: return .variable(3, 20)
            case 700...709:
                guard let d3 = digit(3) else { return nil }
                switch three * 10 + d3 {
                case 7001: return .fixed(4, 13)
                case 7002: return .variable(4, 30)
                case 7003: return .fixed(4, 10)
                case 7004: return .variable(4, 4, numeric: true)
                case 7005, 7006: return .variable(4, 12)
                default: return nil
                }
            default: return nil
            }
        case 31...36:
            guard digit(2) != nil, digit(3) != nil else { return nil }
            return .fixed(4, 6)  // measures with implied decimal point
        case 39:
            guard let d2 = digit(2), digit(3) != nil else { return nil }
            return d2 <= 1 || d2 == 4 ? .variable(4, 15, numeric: true) : .variable(4, 18, numeric: true)
        case 80, 81, 82:
            guard let d2 = digit(2), let d3 = digit(3) else { return nil }
            switch two * 100 + d2 * 10 + d3 {
            case 8001: return .fixed(4, 14)
            case 8002, 8020: return .variable(4, 25)
            case 8003: return .variable(4, 30)
            case 8004: return .variable(4, 30)
            case 8005: return .fixed(4, 6)
            case 8006: return .fixed(4, 18)
            case 8008: return .variable(4, 12, numeric: true)
            case 8017, 8018: return .fixed(4, 18)
            case 8200: return .variable(4, 70)
            default: return nil
            }
        default: return nil
        }
    }
}
