/// Where in a text something went wrong, counted the way editors count.
public struct TextPosition: Sendable, Equatable, CustomStringConvertible {
    public var offset: Int
    public var line: Int
    public var column: Int

    public init(offset: Int, line: Int, column: Int) {
        self.offset = offset
        self.line = line
        self.column = column
    }

    /// Computes line and column (1-based; columns count bytes) of a byte offset.
    public init(of offset: Int, in bytes: [UInt8]) {
        var line = 1
        var lineStart = 0
        let end = min(offset, bytes.count)
        for i in 0..<end where bytes[i] == 0x0A {
            line += 1
            lineStart = i + 1
        }
        self.init(offset: offset, line: line, column: end - lineStart + 1)
    }

    public var description: String { "line \(line), column \(column)" }
}

/// A document that is not JSON at all (as opposed to JSON that is not a valid order).
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var position: TextPosition

    public var description: String { "\(position): \(message)" }
}
