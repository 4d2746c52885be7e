/// A label design: media size, default resolution, and the elements drawn on it,
/// in millimetres so that one template serves 203 and 300 dpi printers alike.
public struct LabelTemplate: Sendable, Equatable {
    public var name: String
    public var description: String?
    public var widthMm: Double
    public var heightMm: Double
    public var dpi: Int
    /// A fontconfig family list; `nil` uses `LabelTemplate.defaultFont`.
    public var font: String?
    public var elements: [LabelElement]

    public init(
        name: String, description: String? = nil, widthMm: Double, heightMm: Double, dpi: Int = 203,
        font: String? = nil, elements: [LabelElement]
    ) {
        self.name = name
        self.description = description
        self.widthMm = widthMm
        self.heightMm = heightMm
        self.dpi = dpi
        self.font = font
        self.elements = elements
    }

    /// The CJK font packd depends on (Debian's fonts-wqy-microhei), then any sans.
    public static let defaultFont = "WenQuanYi Micro Hei, Noto Sans CJK SC, sans-serif"

    /// The media size as printers and CUPS name it, e.g. `100x150mm`.
    public var sizeName: String { "\(Self.millimetres(widthMm))x\(Self.millimetres(heightMm))mm" }

    static func millimetres(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
