/// The AIM symbology identifier a scanner may put in front of a code (`]C1`,
/// `]E0`, `]d2`, `]Q3`...): ISO/IEC 15424. It says which symbology was read and,
/// for some values, that the data is a GS1 element string.
public struct AIMIdentifier: Sendable, Hashable, CustomStringConvertible {
    /// The symbology letter (`C` Code 128, `E` EAN/UPC, `d` DataMatrix, `Q` QR, `e` DataBar...).
    public var symbology: Character
    public var modifier: Character

    public var description: String { "]\(symbology)\(modifier)" }

    /// Whether the modifier says the data is a GS1 element string.
    public var isGS1: Bool {
        switch (symbology, modifier) {
        case ("C", "1"), ("e", "0"), ("d", "2"), ("Q", "3"), ("J", "1"): true
        default: false
        }
    }

    /// A name for logs and the station display.
    public var symbologyName: String {
        switch symbology {
        case "C": isGS1 ? "gs1-128" : "code128"
        case "E": "ean-upc"
        case "A": "code39"
        case "I": "itf"
        case "d": isGS1 ? "gs1-datamatrix" : "datamatrix"
        case "Q": isGS1 ? "gs1-qr" : "qr"
        case "e": "gs1-databar"
        case "L": "pdf417"
        case "J": "gs1-dotcode"
        default: "aim-\(symbology)"
        }
    }

    /// Splits a leading identifier off a code, if there is one.
    public static func split(_ code: String) -> (AIMIdentifier?, Substring) {
        let scalars = code.unicodeScalars
        guard scalars.count >= 3 else { return (nil, Substring(code)) }
        var it = scalars.makeIterator()
        guard it.next() == "]", let s = it.next(), let m = it.next(),
            s.properties.isAlphabetic, s.isASCII, m.isASCII, m.properties.isAlphabetic || ("0"..."9").contains(m)
        else { return (nil, Substring(code)) }
        let rest = code.unicodeScalars.dropFirst(3)
        return (AIMIdentifier(symbology: Character(s), modifier: Character(m)), Substring(rest))
    }
}
