/// GS1 Digital Link URIs (GS1 Digital Link Standard: URI Syntax 1.4): a QR code
/// on a product may carry `https://id.gs1.org/01/09501101530003/10/ABC?17=271231`,
/// or the same path on the brand's own domain, instead of an element string.
public enum GS1DigitalLink {
    /// The primary keys a path may start with; their qualifiers follow in pairs.
    static let primaryKeys: Set<String> = [
        "00", "01", "253", "255", "401", "402", "414", "417", "8003", "8004", "8006", "8010", "8013", "8017", "8018",
    ]
    /// Names from the first version of the standard, still printed on packaging.
    static let shortNames: [String: String] = ["gtin": "01", "lot": "10", "ser": "21", "cpv": "22", "sscc": "00"]

    public static func parse(_ text: Substring) -> GS1ElementString? {
        let lower = text.prefix(8).lowercased()
        let schemeLength: Int
        if lower.hasPrefix("https://") {
            schemeLength = 8
        } else if lower.hasPrefix("http://") {
            schemeLength = 7
        } else {
            return nil
        }
        var rest = text.dropFirst(schemeLength)
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        // Host first, then the path: a prefix of the brand's own, then the key.
        let segments = rest.split(separator: "/", omittingEmptySubsequences: true).dropFirst().map(String.init)
        guard let keyIndex = segments.firstIndex(where: { primaryKeys.contains(shortNames[$0] ?? $0) }) else {
            return nil
        }
        var elements: [GS1ElementString.Element] = []
        var unread: [String] = []
        var k = keyIndex
        while k + 1 < segments.count {
            let ai = shortNames[segments[k]] ?? segments[k]
            guard let value = percentDecoded(segments[k + 1]).map({ ai == "01" ? paddedGTIN($0) : $0 }), let element = GS1ElementString.element(ai: ai, data: value)
            else {
                // The key must read; a qualifier that does not costs only itself.
                guard !elements.isEmpty else { return nil }
                unread.append("\(segments[k])/\(segments[k + 1])")
                k += 2
                continue
            }
            elements.append(element)
            k += 2
        }
        guard !elements.isEmpty else { return nil }
        // Data attributes: numeric keys are AIs; anything else (linkType, utm_...) is not GS1 data.
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0].allSatisfy(\.isASCIIDigitCharacter) else { continue }
            if let value = percentDecoded(String(parts[1])), let element = GS1ElementString.element(ai: String(parts[0]), data: value) {
                elements.append(element)
            } else {
                unread.append(String(pair))
            }
        }
        return GS1ElementString(elements: elements, unread: unread)
    }

    /// A GTIN-8, -12 or -13 in a link stands for its 14-digit form (the standard
    /// asks encoders to pad it; decoders take both).
    static func paddedGTIN(_ value: String) -> String {
        guard [8, 12, 13].contains(value.utf8.count), value.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return value }
        return String(repeating: "0", count: 14 - value.utf8.count) + value
    }

    /// `%2F` and the like as bytes; nil for a broken escape or text that is not UTF-8.
    static func percentDecoded(_ text: String) -> String? {
        guard text.utf8.contains(UInt8(ascii: "%")) else { return text }
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let b = iterator.next() {
            guard b == UInt8(ascii: "%") else {
                bytes.append(b)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): b - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension Character {
    fileprivate var isASCIIDigitCharacter: Bool { isASCII && isNumber }
}
