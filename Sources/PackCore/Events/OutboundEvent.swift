/// The kinds of outbound event (contracts.md section 4).
public enum EventType: String, Sendable, CaseIterable, Codable {
    case parcelShipped = "parcel.shipped"
    case orderIntercepted = "order.intercepted"
    case labelPrinted = "label.printed"
    case labelFailed = "label.failed"
    case parcelAbandoned = "parcel.abandoned"
}

/// An event the engine asks to send, before the journal gives it its id.
public struct EventDraft: Sendable, Equatable {
    public var type: EventType
    public var occurredAt: Timestamp
    public var station: String?
    public var operatorId: String?
    public var orderId: String
    public var parcelId: String?
    public var waybill: String?
    public var items: [ParcelLine]?
    public var weightG: Int?
    /// For `order.intercepted`: the order's status; for the others, unused.
    public var status: OrderStatus?
    /// Why, in a word: `status`, `parcel_removed`, `operator_cancelled`...
    public var reason: String?

    public init(
        type: EventType, occurredAt: Timestamp, station: String?, operatorId: String?, orderId: String,
        parcelId: String? = nil, waybill: String? = nil, items: [ParcelLine]? = nil, weightG: Int? = nil,
        status: OrderStatus? = nil, reason: String? = nil
    ) {
        self.type = type
        self.occurredAt = occurredAt
        self.station = station
        self.operatorId = operatorId
        self.orderId = orderId
        self.parcelId = parcelId
        self.waybill = waybill
        self.items = items
        self.weightG = weightG
        self.status = status
        self.reason = reason
    }

    public func identified(by id: ULID) -> OutboundEvent { OutboundEvent(id: id.description, draft: self) }
}

/// An event with its id: what the journal stores and the core receives.
public struct OutboundEvent: Sendable, Equatable {
    public var id: String
    public var draft: EventDraft

    public init(id: String, draft: EventDraft) {
        self.id = id
        self.draft = draft
    }

    public var type: EventType { draft.type }

    /// The wire form of contracts.md section 4, members in a fixed order.
    public var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("id", .string(id)),
            ("type", .string(draft.type.rawValue)),
            ("occurredAt", .string(draft.occurredAt.rfc3339)),
            ("station", .optional(draft.station)),
            ("operator", .optional(draft.operatorId)),
            ("orderId", .string(draft.orderId)),
            ("parcelId", .optional(draft.parcelId)),
            ("waybill", .optional(draft.waybill)),
        ]
        if let items = draft.items {
            members.append(("items", .array(items.map { ["sku": .string($0.sku), "qty": .int(Int64($0.qty))] })))
        }
        if draft.type == .parcelShipped { members.append(("weightG", .optional(draft.weightG))) }
        if let status = draft.status { members.append(("status", .string(status.rawValue))) }
        if let reason = draft.reason { members.append(("reason", .string(reason))) }
        return .object(.init(uniqueKeysWithValues: members))
    }
}
