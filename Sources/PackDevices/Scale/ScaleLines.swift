/// The lines of a line-based scale protocol (MT-SICS, continuous output,
/// XK3190-A12): ended by CR, LF or CR LF; a line longer than `limit` is dropped
/// whole, up to its end.
struct ScaleLines: Sendable {
    let limit: Int
    private var line: [UInt8] = []
    private var overlong = false

    init(limit: Int) { self.limit = limit }

    enum Piece {
        case line([UInt8])
        case tooLong
    }

    /// The line `byte` ends, if it ends one. Empty lines (the LF of a CR LF) are none.
    mutating func take(_ byte: UInt8) -> Piece? {
        if byte == 0x0D || byte == 0x0A {
            defer {
                line.removeAll(keepingCapacity: true)
                overlong = false
            }
            if overlong { return .tooLong }
            return line.isEmpty ? nil : .line(line)
        }
        if overlong { return nil }
        line.append(byte)
        if line.count > limit {
            overlong = true
            line.removeAll(keepingCapacity: true)
        }
        return nil
    }

    /// Starts the line again (a protocol's start byte seen mid-line).
    mutating func restart() {
        line.removeAll(keepingCapacity: true)
        overlong = false
    }

    /// The bytes of the line so far.
    var count: Int { line.count }
}

extension BidirectionalCollection<UInt8> {
    /// Without leading and trailing spaces (and tabs).
    func trimmingScaleSpaces() -> SubSequence {
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return self[endIndex...]
        }
        return self[first...last]
    }
}
