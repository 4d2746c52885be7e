public import PackLabels

/// `[printers.<name>]`: one label printer, as packd drives it (docs/printers.md).
public struct PrinterProfile: Sendable, Equatable {

    /// The name packd uses (`packd print --printer NAME`, stations' `printer`).
    public var name: String
    /// The CUPS queue; defaults to `name`.
    public var queue: String
    public var language: LabelFormat
    public var dpi: Int
    public var widthMm: Double
    public var heightMm: Double
    /// ZPL ~SD 0-30, TSPL DENSITY 0-15; nil keeps the printer's setting.
    public var darkness: Int?
    /// Inches per second; nil keeps the printer's setting.
    public var speed: Int?
    /// Moves everything right/down (positive) or left/up, in millimetres, to
    /// correct a printer whose print head is not where its labels are.
    public var offsetXMm: Double
    public var offsetYMm: Double
    /// TSPL DIRECTION (0 or 1) as the labels are loaded.
    public var direction = 1
    /// Submissions of one label before it is failed (label.failed).
    public var maxAttempts = 5
    /// The first wait between retries, doubling up to 30 s.
    public var retryDelayMs = 500

    public init(
        name: String, queue: String? = nil, language: LabelFormat = .zpl, dpi: Int = 203, widthMm: Double = 100,
        heightMm: Double = 150, darkness: Int? = nil, speed: Int? = nil, offsetXMm: Double = 0, offsetYMm: Double = 0
    ) {
        self.name = name
        self.queue = queue ?? name
        self.language = language
        self.dpi = dpi
        self.widthMm = widthMm
        self.heightMm = heightMm
        self.darkness = darkness
        self.speed = speed
        self.offsetXMm = offsetXMm
        self.offsetYMm = offsetYMm
    }
}

extension PrinterProfile {
    /// What the profile adds to every label's commands.
    public var settings: PrinterSettings {
        PrinterSettings(
            darkness: darkness, speed: speed, direction: direction, offsetXMm: offsetXMm, offsetYMm: offsetYMm)
    }
}
