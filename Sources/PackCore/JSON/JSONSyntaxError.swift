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
    public enum PathComponent: Sendable, Equatable {
        case member(String)
        case index(Int)
    }

    public var message: String
    public var position: TextPosition
    /// Where the value at fault sits, outermost first, when the text is well formed but
    /// one value cannot be represented (a number out of range): a reader can then name
    /// the field (`orders[0].lines[0].qty`) the way it names every other field error.
    /// nil for faults of the text's structure, where only the position means anything.
    public var valuePath: [PathComponent]?

    public init(message: String, position: TextPosition, valuePath: [PathComponent]? = nil) {
        self.message = message
        self.position = position
        self.valuePath = valuePath
    }

    public var description: String { "\(position): \(message)" }

    /// The value's path written after `root` (`orders` + `[0].lines[0].qty`).
    public func valuePath(under root: String) -> String? {
        guard let valuePath else { return nil }
        var text = root
        for component in valuePath {
            switch component {
            case .member(let name): text += text.isEmpty ? name : ".\(name)"
            case .index(let i): text += "[\(i)]"
            }
        }
        return text
    }

    /// The value's path as an order document names it: `orders[1].lines[0].qty` in
    /// a list (`[...]` or `{"orders": [...]}`), `order.lines[0].qty` in one order.
    public var orderFieldPath: String? {
        guard let first = valuePath?.first else { return valuePath(under: "order") }
        switch first {
        case .member("orders"): return valuePath(under: "")
        case .index: return valuePath(under: "orders")
        case .member: return valuePath(under: "order")
        }
    }

    /// Unwinding out of a container, the fault's path gains that container's member or index.
    func inside(_ component: PathComponent) -> JSONSyntaxError {
        guard let valuePath else { return self }
        var copy = self
        copy.valuePath = [component] + valuePath
        return copy
    }
}
