public import PackCore
public import PackStore

/// Dead letters and refused inputs as the API and `packd outbox --json` show them.
public enum DeadLetterJSON {
    public static func json(_ letter: DeadLetter) -> JSONValue {
        [
            "id": .string(letter.id), "type": .string(letter.type), "orderId": .string(letter.orderId),
            "occurredAt": .string(letter.occurredAt.rfc3339), "state": .string(letter.state.rawValue),
            "attempts": .int(Int64(letter.attempts)), "status": letter.status.map { .int(Int64($0)) } ?? .null,
            "response": .optional(letter.response), "deadAt": .optional(letter.deadAt?.rfc3339),
            "dropReason": .optional(letter.dropReason), "holds": .int(Int64(letter.held)),
        ]
    }

    public static func json(_ letter: InputDeadLetter) -> JSONValue {
        [
            "source": .string(letter.source), "orderId": .optional(letter.orderId), "path": .optional(letter.path),
            "error": .string(letter.error), "at": .string(letter.at.rfc3339),
        ]
    }
}
