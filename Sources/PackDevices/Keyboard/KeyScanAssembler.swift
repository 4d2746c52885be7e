public import PackCore
/// Gathers a keyboard-wedge scanner's characters into codes. A code ends at a
/// terminator key, at a configured suffix (for scanners set up to end codes with,
/// say, `#`), or when the keys stop for longer than the inter-key timeout (scanners
/// type a code in a burst; a pause means it is over).
public struct KeyScanAssembler: Sendable {
    public var interKeyTimeoutMs: Int64
    public var maxCodeLength: Int
    /// Characters that end a code; not part of it.
    public var suffix: String?
    private var pending = ""
    private var lastKeyAt: Int64?
    private var overflowed = false

    public init(interKeyTimeoutMs: Int64 = 100, maxCodeLength: Int = InputLimits.scanCodeBytes, suffix: String? = nil) {
        self.interKeyTimeoutMs = interKeyTimeoutMs
        self.maxCodeLength = maxCodeLength
        self.suffix = suffix.flatMap { $0.isEmpty ? nil : $0 }
    }

    public enum Completed: Equatable, Sendable {
        case code(String)
        case tooLong(Int)
    }

    /// Takes one decoded key at `atMs`; returns the codes it completes (a pending code
    /// that timed out before this key, and/or this key's terminator).
    public mutating func feed(_ output: KeymapDecoder.Output, atMs: Int64) -> [Completed] {
        var done: [Completed] = []
        if let idle = flush(ifIdleAt: atMs) { done.append(idle) }
        switch output {
        case .ignored, .repeated, .unknownKey:
            return done
        case .terminator:
            if let code = finish() { done.append(code) }
        case .text(let text):
            lastKeyAt = atMs
            if pending.utf8.count + text.utf8.count > maxCodeLength {
                overflowed = true
                pending = ""
            } else if !overflowed {
                pending += text
                if let suffix, pending.hasSuffix(suffix) {
                    pending.removeLast(suffix.count)
                    if let code = finish() { done.append(code) }
                }
            }
        }
        return done
    }

    /// When the last key of a pending code came, if one is pending.
    public var pendingSince: Int64? { lastKeyAt }

    /// The pending code, if the keys have paused past the timeout.
    public mutating func flush(ifIdleAt nowMs: Int64) -> Completed? {
        guard let last = lastKeyAt, nowMs - last > interKeyTimeoutMs else { return nil }
        return finish()
    }

    /// The device went away: a partial code is dropped, and its length returned.
    public mutating func dropPartial() -> Int {
        defer { pending = ""; lastKeyAt = nil; overflowed = false }
        return pending.utf8.count
    }

    private mutating func finish() -> Completed? {
        defer { pending = ""; lastKeyAt = nil; overflowed = false }
        if overflowed { return .tooLong(maxCodeLength) }
        return pending.isEmpty ? nil : .code(pending)
    }
}
