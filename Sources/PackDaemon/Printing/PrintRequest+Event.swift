public import PackCore
public import PackStore

extension PrintRequest {
    /// The `label.printed` / `label.failed` event of a parcel's label; nil for a
    /// document of no order. The reason is cut to 500 characters.
    public func labelEvent(_ type: EventType, reason: String?, at time: Timestamp, id: ULID) -> OutboundEvent? {
        guard let orderId else { return nil }
        return EventDraft(
            type: type, occurredAt: time, station: station, operatorId: nil, orderId: orderId, parcelId: parcelId,
            reason: reason.map { String($0.prefix(500)) }
        ).identified(by: id)
    }
}
