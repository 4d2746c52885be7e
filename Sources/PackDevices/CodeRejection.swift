/// Input from a scanner that was not a code; the reader logs it and goes on.
public enum CodeRejection: Sendable, Equatable, CustomStringConvertible {
    case tooLong(bytes: Int, limit: Int)
    case nulByte(at: Int)
    case invalidUTF8(at: Int)
    /// The device went away in the middle of a code.
    case partial(bytes: Int)
    /// A keyboard-wedge scanner sent an auto-repeat (a stuck key); it was not taken as data.
    case keyRepeat(code: UInt16)
    /// A key code the scanner's keymap does not know; it was skipped.
    case unknownKey(code: UInt16)
    /// A HID POS report whose length field does not fit it.
    case badReport(length: Int, size: Int)

    public var description: String {
        switch self {
        case .tooLong(let n, let limit): "a \(n)-byte line, longer than the \(limit)-byte limit, was dropped"
        case .nulByte(let at): "a line with a NUL byte at offset \(at) was dropped"
        case .invalidUTF8(let at): "a line with invalid UTF-8 at offset \(at) was dropped"
        case .partial(let n): "the device went away mid-code; \(n) bytes of it were dropped"
        case .keyRepeat(let code): "an auto-repeat of key \(code) (a stuck key?) was ignored"
        case .unknownKey(let code): "key code \(code) is not in the keymap; skipped"
        case .badReport(let length, let size): "a HID POS report of \(size) bytes claiming \(length) data bytes was dropped"
        }
    }
}
