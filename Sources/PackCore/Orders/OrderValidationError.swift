/// One thing wrong with one field of an order, named by its JSON path.
public struct OrderFieldError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}

/// Everything wrong with an order file; a file with any error imports nothing.
public struct OrderFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var problems: [OrderFieldError]
    /// How many problems there were in all (the list is capped).
    public var total: Int

    public init(problems: [OrderFieldError], total: Int? = nil) {
        self.problems = problems
        self.total = total ?? problems.count
    }

    public var description: String {
        var lines = problems.map(\.description)
        if total > problems.count { lines.append("... and \(total - problems.count) more") }
        return lines.joined(separator: "\n")
    }
}
