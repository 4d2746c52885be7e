/// One thing drawn on a label, placed in a box given in millimetres from the
/// label's top-left corner.
public struct LabelElement: Sendable, Equatable {
    /// The template path of the element (`elements[3]`) and its optional `id`,
    /// used to name it in errors.
    public var path: String
    public var id: String?
    public var frame: MillimetreRect
    public var content: Content

    public enum Content: Sendable, Equatable {
        case text(TextStyle, FieldTemplate)
        case barcode(BarcodeStyle, FieldTemplate)
        /// From the frame's top-left to its bottom-right corner; a zero height
        /// draws a horizontal rule, a zero width a vertical one.
        case line(thicknessMm: Double)
        /// `filled` draws a solid (inverted) box; text inside with `inverted`
        /// prints white on black.
        case box(thicknessMm: Double, filled: Bool)
        case image(LabelImage)
    }

    public init(path: String, id: String? = nil, frame: MillimetreRect, content: Content) {
        self.path = path
        self.id = id
        self.frame = frame
        self.content = content
    }

    /// How errors name this element: `elements[3] "recipient"`.
    public var subject: String { id.map { "\(path) \"\($0)\"" } ?? path }
}

public struct MillimetreRect: Sendable, Equatable {
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double

    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }
}

public struct TextStyle: Sendable, Equatable {
    public enum Alignment: String, Sendable, CaseIterable { case left, center, right }
    public enum VerticalAlignment: String, Sendable, CaseIterable { case top, middle, bottom }
    /// What happens to text longer than its box: cut with "…" at the end of the
    /// last line that fits, or made smaller down to `minSize` (an error below it).
    public enum Fit: String, Sendable, CaseIterable { case ellipsis, shrink }

    /// Points (1/72 inch), as in any word processor.
    public var size: Double
    public var minSize: Double
    public var bold: Bool
    public var align: Alignment
    public var verticalAlign: VerticalAlignment
    public var fit: Fit
    /// Clockwise degrees: 0, 90, 180 or 270.
    public var rotation: Int
    /// White text, for use on a filled box.
    public var inverted: Bool
    /// Overrides the template's font.
    public var font: String?

    public init(
        size: Double = 10, minSize: Double = 6, bold: Bool = false, align: Alignment = .left,
        verticalAlign: VerticalAlignment = .top, fit: Fit = .ellipsis, rotation: Int = 0, inverted: Bool = false,
        font: String? = nil
    ) {
        self.size = size
        self.minSize = minSize
        self.bold = bold
        self.align = align
        self.verticalAlign = verticalAlign
        self.fit = fit
        self.rotation = rotation
        self.inverted = inverted
        self.font = font
    }
}

public struct BarcodeStyle: Sendable, Equatable {
    public var symbology: Symbology
    /// Print the data as text under a linear barcode.
    public var humanReadable: Bool
    /// Points, for the human-readable line.
    public var textSize: Double
    /// QR error correction: L, M, Q or H.
    public var errorCorrection: QRErrorCorrection

    public init(
        symbology: Symbology, humanReadable: Bool = false, textSize: Double = 9,
        errorCorrection: QRErrorCorrection = .m
    ) {
        self.symbology = symbology
        self.humanReadable = humanReadable
        self.textSize = textSize
        self.errorCorrection = errorCorrection
    }
}

public enum Symbology: String, Sendable, CaseIterable {
    case code128, qr, datamatrix, pdf417, ean13

    public var isLinear: Bool { self == .code128 || self == .ean13 }
}

public enum QRErrorCorrection: String, Sendable, CaseIterable {
    case l = "L", m = "M", q = "Q", h = "H"
}

/// A picture (a shop's logo) as PNG bytes, drawn dark where the picture is dark.
public struct LabelImage: Sendable, Equatable {
    public var png: [UInt8]

    public init(png: [UInt8]) { self.png = png }
}
