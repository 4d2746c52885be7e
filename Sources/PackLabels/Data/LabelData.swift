public import PackCore

/// The values a label shows, by field name: what `{recipient.name}` becomes.
public struct LabelData: Sendable, Equatable {
    public var values: [String: String]

    public init(values: [String: String] = [:]) { self.values = values }

    public subscript(name: String) -> String? {
        get { values[name] }
        set { values[name] = newValue }
    }

    /// The data of one parcel of an order, printed at `printedAt` (shown in the
    /// time zone `utcOffsetSeconds` east of UTC, the warehouse's own).
    public init(
        order: Order, parcel: Parcel, printedAt: Timestamp, utcOffsetSeconds: Int = 0, reprint: Bool = false,
        station: String? = nil
    ) {
        var v: [String: String] = [:]
        v["order.id"] = order.id
        v["order.platform"] = order.platform
        v["order.platformOrderId"] = order.platformOrderId
        v["remark"] = order.remark
        v["parcel.id"] = parcel.id
        v["waybill"] = parcel.waybill
        if let index = order.parcels.firstIndex(where: { $0.id == parcel.id }) {
            v["parcel.index"] = String(index + 1)
        }
        v["parcel.count"] = String(order.parcels.count)
        v["parcel.weightG"] = parcel.expectedWeightG.flatMap { grams in
            // The decoder allows no weight beyond 10 t; an Order made in code could
            // still hold anything, and converting it must not trap.
            Int(exactly: grams.rounded()).map(String.init)
        }
        v["carrier.code"] = order.carrier?.code
        v["carrier.service"] = order.carrier?.service
        v["items"] = parcel.lines.map { "\($0.sku) x\($0.qty)" }.joined(separator: "; ")
        v["itemNames"] = parcel.lines.map { "\(order.line(sku: $0.sku)?.name ?? $0.sku) x\($0.qty)" }
            .joined(separator: "; ")
        v["itemCount"] = String(parcel.unitCount)
        if let first = parcel.lines.first {
            let line = order.line(sku: first.sku)
            v["item.sku"] = first.sku
            v["item.name"] = line?.name ?? first.sku
            v["item.barcode"] = line?.barcodes.first
        }
        let (date, time) = Self.localDateTime(printedAt, utcOffsetSeconds: utcOffsetSeconds)
        v["printedAt"] = "\(date) \(time)"
        v["printedDate"] = date
        v["reprint"] = reprint ? "REPRINT 补打" : ""
        v["station"] = station
        Self.add(order.recipient, as: "recipient", to: &v)
        Self.add(order.sender, as: "sender", to: &v)
        if case .template(_, let fields)? = parcel.label {
            for (key, value) in fields { v[LabelFields.customPrefix + key] = value }
        }
        self.values = v
    }

    private static func add(_ address: Address?, as who: String, to v: inout [String: String]) {
        guard let a = address else { return }
        v["\(who).name"] = a.name
        v["\(who).phone"] = a.phone
        v["\(who).company"] = a.company
        v["\(who).address1"] = a.address1
        v["\(who).address2"] = a.address2
        v["\(who).city"] = a.city
        v["\(who).state"] = a.state
        v["\(who).postalCode"] = a.postalCode
        v["\(who).country"] = a.country
        v["\(who).address"] = [a.address1, a.address2].joinedNonEmpty(", ")
        v["\(who).cityLine"] = [a.city, a.state, a.postalCode, a.country].joinedNonEmpty(" ")
    }

    /// `YYYY-MM-DD` and `HH:MM` of an instant in the zone `utcOffsetSeconds` east
    /// of UTC: the instant moved by the offset, read off its RFC 3339 form. No
    /// Calendar, so a label shows the same time on every machine given the offset.
    static func localDateTime(_ t: Timestamp, utcOffsetSeconds: Int) -> (String, String) {
        let text = t.adding(milliseconds: Int64(utcOffsetSeconds) * 1000).rfc3339
        let date = text.prefix(10)
        let time = text.dropFirst(11).prefix(5)
        return (String(date), String(time))
    }
}

extension Array where Element == String? {
    fileprivate func joinedNonEmpty(_ separator: String) -> String {
        compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: separator)
    }
}
