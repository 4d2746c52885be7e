/// A GS1 element string: application identifiers (AIs) and their data, as GS1-128,
/// GS1 DataMatrix, GS1 QR and DataBar carry them (GS1 General Specifications §7.8),
/// or as a GS1 Digital Link URI names them.
///
/// Accepted forms: raw (`0109501101530003` `10ABC` GS `2112345`, variable-length
/// fields ended by GS, FNC1), the human-readable form with brackets
/// (`(01)09501101530003(10)ABC`), and Digital Link
/// (`https://id.gs1.org/01/09501101530003/10/ABC`, on any domain).
///
/// The first element must read, or the code is not GS1 at all (and is matched
/// literally). After it, an AI packd does not know or a field that does not read
/// costs only itself: its text, up to the next GS, is kept in `unread`, so that
/// the GTIN in front of it is never lost.
public struct GS1ElementString: Sendable, Equatable {
    public struct Element: Sendable, Equatable {
        public var ai: String
        public var data: String
    }

    public var elements: [Element]
    /// Parts after the first element that did not read as an AI and its data.
    public var unread: [String] = []

    public func value(_ ai: String) -> String? { elements.first { $0.ai == ai }?.data }

    /// The GTIN-14 of the trade item (AI 01), check digit verified.
    public var gtin: String? { value("01").flatMap(GTIN.normalize) }

    static let groupSeparator: UInt8 = 0x1D

    public static func parse(_ text: Substring) -> GS1ElementString? {
        if text.first == "(" { return parseBracketed(text) }
        if let link = GS1DigitalLink.parse(text) { return link }
        return parseRaw(Array(text.utf8))
    }

    private static func parseRaw(_ b: [UInt8]) -> GS1ElementString? {
        var i = 0
        // A leading FNC1 sent as GS is allowed.
        while i < b.count, b[i] == groupSeparator { i += 1 }
        var result = GS1ElementString(elements: [])
        while i < b.count {
            if let (element, end) = element(in: b, at: i) {
                result.elements.append(element)
                i = end
            } else {
                guard !result.elements.isEmpty else { return nil }
                var end = i
                while end < b.count, b[end] != groupSeparator { end += 1 }
                result.unread.append(String(decoding: b[i..<end], as: UTF8.self))
                i = end
            }
            while i < b.count, b[i] == groupSeparator { i += 1 }
        }
        return result.elements.isEmpty ? nil : result
    }

    /// The element at `i` and where it ends, if its AI is known and its data fits it.
    private static func element(in b: [UInt8], at i: Int) -> (Element, Int)? {
        guard let spec = GS1ApplicationIdentifiers.lookup(b, at: i) else { return nil }
        let start = i + spec.aiLength
        var end: Int
        if let fixed = spec.fixedLength {
            end = start + fixed
            guard end <= b.count else { return nil }
        } else {
            end = start
            while end < b.count, b[end] != groupSeparator, end - start < spec.maxLength { end += 1 }
        }
        let data = b[start..<end]
        guard !data.isEmpty, !data.contains(groupSeparator), spec.accepts(data) else { return nil }
        let ai = String(decoding: b[i..<start], as: UTF8.self)
        return (Element(ai: ai, data: String(decoding: data, as: UTF8.self)), end)
    }

    private static func parseBracketed(_ text: Substring) -> GS1ElementString? {
        var result = GS1ElementString(elements: [])
        var rest = text[...]
        while !rest.isEmpty {
            guard rest.first == "(", let close = rest.firstIndex(of: ")") else { return nil }
            let ai = rest[rest.index(after: rest.startIndex)..<close]
            let afterClose = rest.index(after: close)
            let next = rest[afterClose...].firstIndex(of: "(") ?? rest.endIndex
            let data = String(rest[afterClose..<next])
            if let element = element(ai: String(ai), data: data) {
                result.elements.append(element)
            } else {
                guard !result.elements.isEmpty else { return nil }
                result.unread.append(String(rest[..<next]))
            }
            rest = rest[next...]
        }
        return result.elements.isEmpty ? nil : result
    }

    /// One AI with its data given apart (brackets, a Digital Link path), if both read.
    static func element(ai: String, data: String) -> Element? {
        let aiBytes = Array(ai.utf8)
        let bytes = Array(data.utf8)
        guard let spec = GS1ApplicationIdentifiers.lookup(aiBytes, at: 0), spec.aiLength == aiBytes.count else {
            return nil
        }
        if let fixed = spec.fixedLength, bytes.count != fixed { return nil }
        guard !bytes.isEmpty, bytes.count <= spec.maxLength, spec.accepts(bytes[...]) else { return nil }
        return Element(ai: ai, data: data)
    }
}
