public import PackCore

/// What a device reader reports: scans, a scale's frames, and what happened to
/// the device.
public enum DeviceEvent: Sendable, Equatable {
    /// The device is open and configured; scans can come.
    case opened(device: String, path: String)
    case scan(Scan)
    /// Bytes that were not a code (too long, NUL, invalid UTF-8); the reader goes on.
    case rejected(device: String, reason: CodeRejection)
    /// A scale's frame: a weight sample, an answer, or a frame dropped (counted).
    case scale(device: String, frame: ScaleFrame, atMs: Int64)
    /// The device went away or failed; a partial code, if any, was dropped. The
    /// reader reopens it when it comes back.
    case closed(device: String, reason: String)
}
