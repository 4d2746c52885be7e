/// The lines `packd replay` prints (contracts.md section 3).
public enum ReplayOutput {
    /// `{"seq": N, "code": "...", "outcome": "...", "order": ..., "parcel": ..., ...}`
    public static func line(for step: ReplaySession.Step) -> JSONValue {
        line(seq: step.seq, scan: step.scan, decision: step.decision, eventTypes: step.events.map(\.type))
    }

    /// The same line for any decided scan (the daemon's API adds `station`).
    public static func line(seq: Int, scan: Scan, decision: ScanDecision, eventTypes: [EventType]) -> JSONValue {
        let o = decision.outcome
        var members: [(String, JSONValue)] = [
            ("seq", .int(Int64(seq))),
            ("code", .string(o.code)),
            ("outcome", .string(o.kind.rawValue)),
            ("order", .optional(o.order)),
            ("parcel", .optional(o.parcel)),
        ]
        if let sku = o.sku { members.append(("sku", .string(sku))) }
        if let v = o.verified { members.append(("verified", .int(Int64(v)))) }
        if let e = o.expected { members.append(("expected", .int(Int64(e)))) }
        if let p = o.pending { members.append(("pending", .string(p.rawValue))) }
        if let label = decision.labels.first {
            members.append(("label", .string(label.reprint ? "reprint" : "print")))
        }
        if !eventTypes.isEmpty { members.append(("events", .array(eventTypes.map { .string($0.rawValue) }))) }
        members.append(("device", .string(scan.device)))
        members.append(("at_ms", .int(scan.atMs)))
        members.append(("message", .string(o.message)))
        return .object(.init(uniqueKeysWithValues: members))
    }

    /// `{"summary": {...}, "events": [...]}`
    public static func summary(of session: ReplaySession) -> JSONValue {
        let outcomes = session.counts.sorted { $0.key.rawValue < $1.key.rawValue }
            .map { ($0.key.rawValue, JSONValue.int(Int64($0.value))) }
        func count(_ type: EventType) -> JSONValue { .int(Int64(session.events.filter { $0.type == type }.count)) }
        var summary: [(String, JSONValue)] = [
            ("scans", .int(Int64(session.seq))),
            ("outcomes", .object(.init(uniqueKeysWithValues: outcomes))),
            ("parcelsShipped", count(.parcelShipped)),
            ("ordersIntercepted", count(.orderIntercepted)),
            ("parcelsAbandoned", count(.parcelAbandoned)),
            ("labelsRequested", .int(Int64(session.labelsRequested))),
            ("station", .string(session.state.station)),
            ("operator", .optional(session.state.operatorId)),
        ]
        summary.append(("openParcel", .optional(session.state.open?.key.parcelId)))
        summary.append(("pendingError", .optional(session.state.pendingError?.kind.rawValue)))
        return [
            "summary": .object(.init(uniqueKeysWithValues: summary)),
            "events": .array(session.events.map(\.json)),
        ]
    }
}
