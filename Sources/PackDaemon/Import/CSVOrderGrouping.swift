import OrderedCollections
import PackCore

/// Collects CSV rows into orders, checking each cell and that the rows of one order
/// agree on the order's own fields.
struct CSVOrderGrouping {
    struct PendingOrder {
        var firstRow: Int
        var fields: OrderedDictionary<String, (value: String, row: Int)> = [:]
        var lines: OrderedDictionary<String, (name: String, qty: Int, barcodes: [String], weight: Double?)> = [:]
        var parcels: OrderedDictionary<String, PendingParcel> = [:]

        var json: JSONValue {
            var m: OrderedDictionary<String, JSONValue> = [:]
            m["id"] = fields["order_id"].map { .string($0.value) }
            for (column, key) in [
                ("status", "status"), ("approved_at", "approvedAt"), ("platform", "platform"),
                ("platform_order_id", "platformOrderId"), ("station", "station"), ("remark", "remark"),
            ] {
                if let v = fields[column]?.value, !v.isEmpty { m[key] = .string(v) }
            }
            let code = fields["carrier_code"]?.value ?? ""
            let service = fields["carrier_service"]?.value ?? ""
            if !code.isEmpty || !service.isEmpty {
                m["carrier"] = ["code": code.isEmpty ? .null : .string(code), "service": service.isEmpty ? .null : .string(service)]
            }
            for party in ["recipient", "sender"] {
                var a: OrderedDictionary<String, JSONValue> = [:]
                for (c, key) in CSVOrderReader.addressFields {
                    if let v = fields["\(party)_\(c)"]?.value, !v.isEmpty { a[key] = .string(v) }
                }
                if !a.isEmpty { m[party] = .object(a) }
            }
            m["lines"] = .array(
                lines.map { sku, line in
                    var l: OrderedDictionary<String, JSONValue> = ["sku": .string(sku)]
                    if !line.name.isEmpty { l["name"] = .string(line.name) }
                    l["qty"] = .int(Int64(line.qty))
                    if !line.barcodes.isEmpty { l["barcodes"] = .array(line.barcodes.map(JSONValue.string)) }
                    if let w = line.weight { l["unitWeightG"] = .double(w) }
                    return .object(l)
                })
            m["parcels"] = .array(parcels.values.map(\.json))
            return .object(m)
        }
    }

    struct PendingParcel {
        var id: String?
        var waybill: String
        var lines: OrderedDictionary<String, Int> = [:]
        var weight: Double?
        var template: String?
        var labelFields: OrderedDictionary<String, JSONValue> = [:]

        var json: JSONValue {
            var p: OrderedDictionary<String, JSONValue> = [:]
            if let id { p["id"] = .string(id) }
            p["waybill"] = .string(waybill)
            p["lines"] = .array(lines.map { ["sku": .string($0.key), "qty": .int(Int64($0.value))] })
            if let weight { p["expectedWeightG"] = .double(weight) }
            if let template { p["label"] = ["template": .string(template), "fields": .object(labelFields)] }
            return .object(p)
        }
    }

    let header: [String]
    /// The decoder's, so that a cell is held to the limits its order will be.
    let limits: OrderLimits
    var orders: OrderedDictionary<String, PendingOrder> = [:]
    var problems: [OrderFieldError] = []

    init(header: [String], limits: OrderLimits) {
        self.header = header
        self.limits = limits
    }

    mutating func add(_ row: [String], number: Int) {
        var cells: [String: String] = [:]
        for (i, column) in header.enumerated() where i < row.count { cells[column] = row[i] }
        func fail(_ column: String, _ message: String) {
            problems.append(OrderFieldError(path: "row \(number), column \(column)", message: message))
        }
        guard let orderId = cells["order_id"], !orderId.isEmpty else { return fail("order_id", "is required") }
        guard let sku = cells["sku"], !sku.isEmpty else { return fail("sku", "is required") }
        guard let waybill = cells["waybill"], !waybill.isEmpty else { return fail("waybill", "is required") }
        guard let qtyText = cells["qty"], let qty = Int(qtyText), qty > 0, qty <= limits.maxQuantity else {
            return fail(
                "qty", "must be a whole number from 1 to \(limits.maxQuantity), not \"\(cells["qty"] ?? "")\"")
        }
        var weight: Double?
        if let w = cells["unit_weight_g"], !w.isEmpty {
            guard let grams = Self.decimal(w), limits.weightProblem(grams) == nil else {
                return fail("unit_weight_g", "must be a number of grams from 0 to \(Int(limits.maxWeightGrams)), not \"\(w)\"")
            }
            weight = grams
        }
        var parcelWeight: Double?
        if let w = cells["expected_weight_g"], !w.isEmpty {
            guard let grams = Self.decimal(w), limits.weightProblem(grams) == nil else {
                return fail(
                    "expected_weight_g", "must be a number of grams from 0 to \(Int(limits.maxWeightGrams)), not \"\(w)\"")
            }
            parcelWeight = grams
        }

        var order = orders[orderId] ?? PendingOrder(firstRow: number)
        // The order's own fields: the first row that gives one sets it; later rows must agree.
        for column in ["order_id"] + CSVOrderReader.orderColumns + CSVOrderReader.addressFields.flatMap({
            ["recipient_\($0.0)", "sender_\($0.0)"]
        }) {
            guard let value = cells[column], !value.isEmpty else { continue }
            if let existing = order.fields[column], existing.value != value {
                fail(column, "\"\(value)\" differs from \"\(existing.value)\" in row \(existing.row) of order \(orderId)")
                return
            }
            order.fields[column] = (value, number)
        }
        let barcodes = (cells["barcodes"] ?? "").split(separator: "|").map { String($0).trimmingSpaces }.filter {
            !$0.isEmpty
        }
        var line = order.lines[sku] ?? (name: "", qty: 0, barcodes: [], weight: nil)
        line.qty += qty
        if line.name.isEmpty { line.name = cells["name"] ?? "" }
        for b in barcodes where !line.barcodes.contains(b) { line.barcodes.append(b) }
        line.weight = line.weight ?? weight
        order.lines[sku] = line

        var parcel = order.parcels[waybill] ?? PendingParcel(waybill: waybill)
        if let id = cells["parcel_id"], !id.isEmpty {
            if let existing = parcel.id, existing != id {
                return fail("parcel_id", "\"\(id)\" differs from \"\(existing)\" for waybill \(waybill)")
            }
            parcel.id = id
        }
        if parcel.lines[sku] != nil {
            return fail("sku", "\"\(sku)\" appears twice for waybill \(waybill) of order \(orderId)")
        }
        parcel.lines[sku] = qty
        parcel.weight = parcel.weight ?? parcelWeight
        if let t = cells["label_template"], !t.isEmpty { parcel.template = t }
        for (column, value) in cells where column.hasPrefix("label.") && !value.isEmpty {
            parcel.labelFields[String(column.dropFirst(6))] = .string(value)
        }
        order.parcels[waybill] = parcel
        orders[orderId] = order
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}

extension CSVOrderGrouping {
    /// A plain decimal number as a spreadsheet writes one (`320`, `12.5`): not
    /// `inf`, `nan`, hexadecimal or an exponent, which `Double(_:)` would take.
    static func decimal(_ text: String) -> Double? {
        var digits = 0
        var dots = 0
        for b in text.utf8 {
            if b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") {
                digits += 1
            } else if b == UInt8(ascii: ".") {
                dots += 1
            } else {
                return nil
            }
        }
        guard digits > 0, dots <= 1, digits <= 32 else { return nil }
        return Double(text)
    }
}
