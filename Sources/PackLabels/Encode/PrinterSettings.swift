/// What a printer profile adds to a label's commands.
public struct PrinterSettings: Sendable, Equatable {
    /// ZPL `~SD` (0-30) or TSPL DENSITY (0-15); `nil` keeps the printer's own.
    public var darkness: Int?
    /// ZPL `^PR` or TSPL SPEED, inches per second.
    public var speed: Int?
    /// The gap between labels (TSPL GAP), millimetres.
    public var gapMm: Double

    /// TSPL DIRECTION: 1 (the usual for labels coming out head first) or 0
    /// (printed upside down relative to 1), as the printer is loaded.
    public var direction: Int
    /// Calibration: moves everything right/down (positive) or left/up, in mm.
    public var offsetXMm: Double
    public var offsetYMm: Double

    public init(
        darkness: Int? = nil, speed: Int? = nil, gapMm: Double = 2, direction: Int = 1, offsetXMm: Double = 0,
        offsetYMm: Double = 0
    ) {
        self.direction = direction == 0 ? 0 : 1
        self.darkness = darkness
        self.speed = speed
        self.gapMm = gapMm
        self.offsetXMm = offsetXMm
        self.offsetYMm = offsetYMm
    }
}
