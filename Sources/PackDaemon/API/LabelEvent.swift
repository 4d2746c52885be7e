public import PackCore
public import PackStore

/// The `label` SSE event: a label queued, printed or failed.
public enum LabelEvent {
    public static func queued(_ request: PrintRequest, reason: String?) -> JSONValue {
        json(request, state: "queued", error: nil, reason: reason)
    }

    public static func json(_ request: PrintRequest, state: String, error: String?, reason: String? = nil) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("job", .string(request.id)), ("printer", .string(request.printer)), ("state", .string(state)),
            ("order", .optional(request.orderId)), ("parcel", .optional(request.parcelId)), ("reprint", .bool(request.reprint)),
        ]
        if let reason { members.append(("reason", .string(reason))) }
        if let error { members.append(("message", .string(error))) }
        return .object(.init(uniqueKeysWithValues: members))
    }
}
