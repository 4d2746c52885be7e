/// A scan's code, prepared once for every kind of match the engine makes.
public struct ScannedCode: Sendable, Equatable {
    /// The code as scanned, trimmed: what outcomes and logs show.
    public var trimmed: String
    /// After trimming and removing an AIM identifier: what SKUs and barcodes are compared with.
    public var text: String
    /// `text` case-folded: what waybills and order/parcel ids are compared with.
    public var folded: String
    /// The 14-digit GTIN this code stands for: the code itself, or its GS1 AI (01).
    public var gtin: String?
    public var gs1: GS1ElementString?
    public var aim: AIMIdentifier?

    public init(_ raw: String) {
        let trimmed = CodeText.trim(raw)
        self.trimmed = trimmed
        let (aim, body) = AIMIdentifier.split(trimmed)
        let text = String(body)
        self.text = text
        self.folded = CodeText.fold(text)
        self.aim = aim
        var gs1: GS1ElementString?
        if aim?.isGS1 == true || ScannedCode.looksLikeGS1(text) {
            gs1 = GS1ElementString.parse(body)
        }
        self.gs1 = gs1
        self.gtin = GTIN.normalize(text) ?? gs1?.gtin
    }

    /// Without an AIM identifier a GS1 string is recognised by its GS separators,
    /// its brackets, an AI (01) with a valid GTIN followed by more data, or as a
    /// possible Digital Link URI (anything starting with h or H; the parse decides).
    static func looksLikeGS1(_ text: String) -> Bool {
        if text.utf8.contains(GS1ElementString.groupSeparator) { return true }
        if text.hasPrefix("(") { return true }
        if let first = text.utf8.first, first | 0x20 == UInt8(ascii: "h") { return true }
        let utf8 = Array(text.utf8.prefix(16))
        guard utf8.count == 16, utf8[0] == 48, utf8[1] == 49 else { return false }
        return GTIN.normalize(String(decoding: utf8[2...], as: UTF8.self)) != nil
    }

    public var isEmpty: Bool { text.isEmpty }
}
