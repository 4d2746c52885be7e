public import PackCore

/// An RFC 9457 problem: what went wrong, and which field of the request.
public struct APIProblem: Error, Sendable, CustomStringConvertible {
    public var status: Int
    public var title: String
    public var detail: String
    /// The request field at fault, as a JSON path (`orders[3].lines[0].qty`).
    public var field: String?
    /// Every problem found, when there are several.
    public var errors: [(field: String, message: String)]

    public init(status: Int, title: String, detail: String, field: String? = nil, errors: [(field: String, message: String)] = []) {
        self.status = status
        self.title = title
        self.detail = detail
        self.field = field
        self.errors = errors
    }

    public var description: String { "\(status) \(title): \(detail)" }

    public static func badRequest(_ detail: String, field: String? = nil) -> APIProblem {
        APIProblem(status: 400, title: "Bad request", detail: detail, field: field)
    }

    public static func invalid(_ detail: String, field: String?) -> APIProblem {
        APIProblem(status: 422, title: "Invalid field", detail: detail, field: field)
    }

    public static func notFound(_ detail: String) -> APIProblem {
        APIProblem(status: 404, title: "Not found", detail: detail)
    }

    public static func unavailable(_ detail: String) -> APIProblem {
        APIProblem(status: 503, title: "Service unavailable", detail: detail)
    }

    /// The problem+json document.
    public var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("type", .string("about:blank")), ("title", .string(title)), ("status", .int(Int64(status))),
            ("detail", .string(detail)),
        ]
        if let field { members.append(("field", .string(field))) }
        if !errors.isEmpty {
            members.append(
                ("errors", .array(errors.map { ["field": .string($0.field), "message": .string($0.message)] })))
        }
        return .object(.init(uniqueKeysWithValues: members))
    }
}
