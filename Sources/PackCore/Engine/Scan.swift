/// A decoded code from a scanner, as devices deliver it (they know nothing of orders).
public struct Scan: Sendable, Equatable {
    public var code: String
    /// Which device read it; debounce is per device.
    public var device: String
    /// Monotonic milliseconds (replay: `at_ms`).
    public var atMs: Int64
    /// The symbology, when the device reports it.
    public var symbology: String?

    public init(code: String, device: String, atMs: Int64, symbology: String? = nil) {
        self.code = code
        self.device = device
        self.atMs = atMs
        self.symbology = symbology
    }
}
