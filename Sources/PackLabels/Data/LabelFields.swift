/// The names a template may use in `{...}`: documented in docs/labels.md.
public enum LabelFields {
    static let addressParts = [
        "name", "phone", "company", "address1", "address2", "city", "state", "postalCode", "country",
        "address", "cityLine",
    ]

    public static let fixed: Set<String> = {
        var names: Set<String> = [
            "order.id", "order.platform", "order.platformOrderId", "remark",
            "parcel.id", "parcel.index", "parcel.count", "parcel.weightG", "waybill",
            "carrier.code", "carrier.service", "items", "itemNames", "itemCount",
            "printedAt", "printedDate", "reprint", "station", "item.sku", "item.name", "item.barcode",
        ]
        for who in ["recipient", "sender"] {
            for part in addressParts { names.insert("\(who).\(part)") }
        }
        return names
    }()

    /// `fields.<name>` reads the parcel's `label.fields` (route codes, sort codes...).
    public static let customPrefix = "fields."

    public static func isKnown(_ name: String) -> Bool {
        fixed.contains(name) || (name.hasPrefix(customPrefix) && name.count > customPrefix.count)
    }

    static var summary: String { "see docs/labels.md (e.g. waybill, recipient.name, fields.routeCode)" }
}
