/// The JSON form of an order (contracts.md section 1). An order read from JSON keeps
/// its source, unknown fields included; one built in code (CSV import, tests) is
/// written from its typed fields.
extension Order {
    public var json: JSONValue {
        if case .object = source { return source }
        var m: [(String, JSONValue)] = [("id", .string(id))]
        if let platform { m.append(("platform", .string(platform))) }
        if let platformOrderId { m.append(("platformOrderId", .string(platformOrderId))) }
        m.append(("status", .string(status.rawValue)))
        if let approvedAt { m.append(("approvedAt", .string(approvedAt.rfc3339))) }
        if let carrier {
            m.append(("carrier", object([("code", .optional(carrier.code)), ("service", .optional(carrier.service))])))
        }
        if let station { m.append(("station", .string(station))) }
        if let recipient { m.append(("recipient", recipient.json)) }
        if let sender { m.append(("sender", sender.json)) }
        if let remark { m.append(("remark", .string(remark))) }
        m.append(("lines", .array(lines.map(\.json))))
        m.append(("parcels", .array(parcels.map(\.json))))
        return object(m)
    }
}

extension OrderLine {
    var json: JSONValue {
        var m: [(String, JSONValue)] = [("sku", .string(sku))]
        if let name { m.append(("name", .string(name))) }
        m.append(("qty", .int(Int64(qty))))
        if !barcodes.isEmpty { m.append(("barcodes", .array(barcodes.map(JSONValue.string)))) }
        if let unitWeightG { m.append(("unitWeightG", .double(unitWeightG))) }
        return object(m)
    }
}

extension Parcel {
    public var json: JSONValue {
        var m: [(String, JSONValue)] = [
            ("id", .string(id)), ("waybill", .string(waybill)),
            ("lines", .array(lines.map { object([("sku", .string($0.sku)), ("qty", .int(Int64($0.qty)))]) })),
        ]
        if let expectedWeightG { m.append(("expectedWeightG", .double(expectedWeightG))) }
        switch label {
        case .template(let name, let fields)?:
            let f = fields.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) }
            m.append(("label", object([("template", .string(name)), ("fields", object(f))])))
        case .document(let format, let base64)?:
            m.append(
                ("label", object([("document", object([("format", .string(format.rawValue)), ("base64", .string(base64))]))])))
        case nil:
            break
        }
        return object(m)
    }
}

extension Address {
    var json: JSONValue {
        let fields: [(String, String?)] = [
            ("name", name), ("phone", phone), ("company", company), ("address1", address1), ("address2", address2),
            ("city", city), ("state", state), ("postalCode", postalCode), ("country", country),
        ]
        return object(fields.compactMap { k, v in v.map { (k, JSONValue.string($0)) } })
    }
}

private func object(_ members: [(String, JSONValue)]) -> JSONValue {
    .object(.init(members, uniquingKeysWith: { _, last in last }))
}
