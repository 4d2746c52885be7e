/// What is wrong with a template, an order's label data, or a document, named by
/// where it is (`elements[3] "recipient"`, `document`), so the person who has to
/// fix it knows where to look. A label with any problem is never handed on.
public struct LabelError: Error, Sendable, Equatable, CustomStringConvertible {
    public var problems: [LabelProblem]

    public init(problems: [LabelProblem]) { self.problems = problems }

    public init(_ subject: String, _ message: String) {
        self.problems = [LabelProblem(subject: subject, message: message)]
    }

    public var description: String { problems.map(\.description).joined(separator: "\n") }
}

public struct LabelProblem: Sendable, Equatable, CustomStringConvertible {
    /// A template path (`elements[2].size`), an element (`elements[2] "waybill"`),
    /// a field (`field recipient.name`) or `document`.
    public var subject: String
    public var message: String

    public init(subject: String, message: String) {
        self.subject = subject
        self.message = message
    }

    public var description: String { "\(subject): \(message)" }
}
