public import PackCore

/// How a serial scanner marks the end (and maybe the start) of a code.
public struct SerialFraming: Sendable, Equatable {
    public enum Terminator: Sendable, Equatable {
        /// CR, LF or CR LF (the default: scanners differ, and CR LF must not give two codes).
        case any
        case cr
        case lf
        case crlf
        /// A configured byte sequence ends a code (e.g. ETX).
        case suffix([UInt8])
    }

    public var terminator: Terminator = .any
    /// Removed from the start of a code when present (e.g. STX).
    public var prefix: [UInt8] = []
    /// A code longer than this is refused.
    public var maxFrameLength = InputLimits.scanCodeBytes

    public init(terminator: Terminator = .any, prefix: [UInt8] = [], maxFrameLength: Int = InputLimits.scanCodeBytes) {
        self.terminator = terminator
        self.prefix = prefix
        self.maxFrameLength = maxFrameLength
    }
}

/// What the framer makes of the bytes: codes, and refusals that the reader logs
/// before it carries on.
public enum SerialFrame: Sendable, Equatable {
    case code(String)
    case rejected(CodeRejection)
}

/// Cuts a serial byte stream into codes, however the bytes are split across reads.
/// Pure: the reader feeds it whatever read(2) returned.
public struct SerialFramer: Sendable {
    public let framing: SerialFraming
    private var buffer: [UInt8] = []
    /// Bytes of an over-long line being skipped up to its terminator.
    private var discarding = 0
    /// The previous byte, so a terminator split across reads (CR | LF) is recognised.
    private var previous: UInt8?
    /// While discarding an over-long line: its last bytes, to find a multi-byte suffix.
    private var discardTail: [UInt8] = []

    public init(framing: SerialFraming = SerialFraming()) {
        self.framing = framing
        buffer.reserveCapacity(256)
    }

    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [SerialFrame] {
        var frames: [SerialFrame] = []
        for byte in bytes {
            if let frame = take(byte) { frames.append(frame) }
        }
        return frames
    }

    private mutating func take(_ byte: UInt8) -> SerialFrame? {
        let before = previous
        previous = byte
        switch framing.terminator {
        case .any:
            if byte == 0x0D { return endOfLine(dropping: 0) }
            if byte == 0x0A { return before == 0x0D ? nil : endOfLine(dropping: 0) }
        case .cr:
            if byte == 0x0D { return endOfLine(dropping: 0) }
        case .lf:
            if byte == 0x0A { return endOfLine(dropping: 0) }
        case .crlf:
            if byte == 0x0A && before == 0x0D { return endOfLine(dropping: 1) }
        case .suffix(let suffix):
            append(byte)
            let tail = discarding > 0 ? discardTail[...] : buffer[...]
            if !suffix.isEmpty, tail.count >= suffix.count, tail.suffix(suffix.count).elementsEqual(suffix) {
                return endOfLine(dropping: suffix.count)
            }
            return nil
        }
        append(byte)
        return nil
    }

    private mutating func append(_ byte: UInt8) {
        if discarding > 0 {
            discarding += 1
            if case .suffix(let suffix) = framing.terminator {
                discardTail.append(byte)
                if discardTail.count > suffix.count { discardTail.removeFirst() }
            }
            return
        }
        buffer.append(byte)
        if buffer.count > framing.maxFrameLength {
            discarding = buffer.count
            buffer.removeAll(keepingCapacity: true)
        }
    }

    /// A terminator ended a line; `dropping` bytes of it had been buffered already.
    private mutating func endOfLine(dropping: Int) -> SerialFrame? {
        discardTail.removeAll(keepingCapacity: true)
        if discarding > 0 {
            let n = discarding - dropping
            discarding = 0
            return .rejected(.tooLong(bytes: n, limit: framing.maxFrameLength))
        }
        defer { buffer.removeAll(keepingCapacity: true) }
        var body = buffer.dropLast(min(dropping, buffer.count))
        if !framing.prefix.isEmpty, body.starts(with: framing.prefix) { body = body.dropFirst(framing.prefix.count) }
        if body.isEmpty { return nil }
        if let nul = body.firstIndex(of: 0) { return .rejected(.nulByte(at: nul - body.startIndex)) }
        if let text = String(validating: body, as: UTF8.self) { return .code(text) }
        do {
            try UTF8Check.validate(Array(body))
        } catch {
            return .rejected(.invalidUTF8(at: error.position.offset))
        }
        return .rejected(.invalidUTF8(at: 0))
    }
}
