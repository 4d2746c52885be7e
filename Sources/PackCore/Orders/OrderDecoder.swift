import OrderedCollections

/// Turns JSON into validated `Order`s (contracts.md section 1), or into the full
/// list of problems, each named by its path (`orders[3].lines[0].qty: must be > 0`).
public struct OrderDecoder: Sendable {
    public var limits: OrderLimits
    /// Whether a carrier document's base64 is checked character by character.
    /// Every order from outside is; an order re-read from packd's own journal,
    /// checked when it was imported, need not be: on an 8 MiB PDF the check is
    /// most of what a print costs before poppler (docs/benchmarks.md, item 9),
    /// and a journal damaged since still fails, when the document is decoded
    /// for printing (`CarrierDocument`).
    public var checksDocumentBase64: Bool

    public init(limits: OrderLimits = OrderLimits(), checksDocumentBase64: Bool = true) {
        self.limits = limits
        self.checksDocumentBase64 = checksDocumentBase64
    }

    /// The decoder for orders packd journaled itself, after import validated them.
    public static let journaled = OrderDecoder(checksDocumentBase64: false)

    /// At most this many problems are listed; the count of the rest is given.
    public static let maxListedProblems = 50

    /// A file: a JSON array of orders, or `{"orders": [...]}`.
    public func decodeFile(_ bytes: [UInt8]) throws(OrderFileError) -> [Order] {
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes)
        } catch {
            // A well-formed file with one unreadable value (`"qty": 1e400`) names that field,
            // as a field error would; a file that is not JSON names the line and column.
            if let field = error.orderFieldPath {
                throw OrderFileError(problems: [OrderFieldError(path: field, message: "\(error.message) (\(error.position))")])
            }
            throw OrderFileError(problems: [OrderFieldError(path: "$", message: "not valid JSON: \(error)")])
        }
        return try decodeDocument(document)
    }

    public func decodeDocument(_ document: JSONValue) throws(OrderFileError) -> [Order] {
        let elements: [JSONValue]
        switch document {
        case .array(let a): elements = a
        case .object(let members):
            guard case .array(let a)? = members["orders"] else {
                throw OrderFileError(problems: [
                    OrderFieldError(path: "orders", message: "must be an array of orders")
                ])
            }
            elements = a
        default:
            throw OrderFileError(problems: [
                OrderFieldError(
                    path: "$", message: "must be an array of orders or {\"orders\": [...]}, not \(document.kindName)")
            ])
        }
        return try decodeList(elements, root: "orders")
    }

    public func decodeList(_ elements: [JSONValue], root: String) throws(OrderFileError) -> [Order] {
        var reader = FieldReader(limits: limits)
        var orders: [Order] = []
        orders.reserveCapacity(elements.count)
        var waybillOwner: [String: (order: String, path: String)] = [:]
        for (i, element) in elements.enumerated() {
            let path = "\(root)[\(i)]"
            guard let order = decodeOrder(element, at: path, reader: &reader) else { continue }
            // A waybill names one parcel: two different orders in one file may not share one.
            for (k, parcel) in order.parcels.enumerated() {
                let key = CodeText.fold(parcel.waybill)
                if let owner = waybillOwner[key], owner.order != order.id {
                    reader.fail(
                        "\(path).parcels[\(k)].waybill",
                        "\"\(parcel.waybill)\" is already the waybill of order \(owner.order) (\(owner.path))")
                } else {
                    waybillOwner[key] = (order.id, "\(path).parcels[\(k)]")
                }
            }
            orders.append(order)
        }
        if !reader.problems.isEmpty {
            throw OrderFileError(
                problems: Array(reader.problems.prefix(Self.maxListedProblems)), total: reader.problems.count)
        }
        return orders
    }

    /// One order, e.g. the body of an HTTP upsert.
    public func decodeOrder(_ value: JSONValue, at path: String = "order") throws(OrderFileError) -> Order {
        var reader = FieldReader(limits: limits)
        let order = decodeOrder(value, at: path, reader: &reader)
        guard let order, reader.problems.isEmpty else {
            throw OrderFileError(
                problems: Array(reader.problems.prefix(Self.maxListedProblems)), total: reader.problems.count)
        }
        return order
    }

    func decodeOrder(_ value: JSONValue, at path: String, reader: inout FieldReader) -> Order? {
        let before = reader.problems.count
        // Every known field is checked as it is read; unknown fields are kept as
        // they are, whatever their size (the body's or the file's limit holds them).
        guard let obj = reader.object(value, at: path) else { return nil }

        let id = reader.identifier(obj, "id", at: path, required: true)
        let status = decodeStatus(obj, at: path, reader: &reader)
        let approvedAt = decodeTimestamp(obj, "approvedAt", at: path, reader: &reader)
        let platform = reader.text(obj, "platform", at: path)
        let platformOrderId = reader.identifier(obj, "platformOrderId", at: path, required: false)
        let station = reader.identifier(obj, "station", at: path, required: false)
        let remark = reader.text(obj, "remark", at: path)
        let carrier = decodeCarrier(obj, at: path, reader: &reader)
        let recipient = decodeAddress(obj, "recipient", at: path, reader: &reader)
        let sender = decodeAddress(obj, "sender", at: path, reader: &reader)
        let lines = decodeLines(obj, at: path, reader: &reader)
        let orderWaybill = reader.identifier(obj, "waybill", at: path, required: false)
        let parcels = decodeParcels(
            obj, at: path, orderId: id, orderWaybill: orderWaybill, lines: lines ?? [], reader: &reader)

        guard reader.problems.count == before, let id, let status, let lines, let parcels else { return nil }
        return Order(
            id: id, platform: platform, platformOrderId: platformOrderId, status: status, approvedAt: approvedAt,
            carrier: carrier, station: station, recipient: recipient, sender: sender, remark: remark,
            lines: lines, parcels: parcels, source: value)
    }

    private func decodeStatus(_ obj: OrderedDictionary<String, JSONValue>, at path: String, reader: inout FieldReader)
        -> OrderStatus?
    {
        let p = reader.join(path, "status")
        guard let s = reader.string(obj["status"], at: p, required: true, maxLength: 32) else { return nil }
        guard let status = OrderStatus(rawValue: s) else {
            let allowed = OrderStatus.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            reader.fail(p, "must be one of \(allowed), not \"\(s)\"")
            return nil
        }
        return status
    }

    private func decodeTimestamp(
        _ obj: OrderedDictionary<String, JSONValue>, _ key: String, at path: String, reader: inout FieldReader
    ) -> Timestamp? {
        let p = reader.join(path, key)
        guard let s = reader.string(obj[key], at: p, required: false, maxLength: 64) else { return nil }
        guard let t = Timestamp(rfc3339: s) else {
            reader.fail(p, "must be an RFC 3339 time such as \"2026-11-22T08:00:00Z\", not \"\(s)\"")
            return nil
        }
        return t
    }

    private func decodeCarrier(_ obj: OrderedDictionary<String, JSONValue>, at path: String, reader: inout FieldReader)
        -> Carrier?
    {
        let p = reader.join(path, "carrier")
        guard let value = obj["carrier"], value != .null, let c = reader.object(value, at: p) else { return nil }
        return Carrier(code: reader.text(c, "code", at: p), service: reader.text(c, "service", at: p))
    }

    private func decodeAddress(
        _ obj: OrderedDictionary<String, JSONValue>, _ key: String, at path: String, reader: inout FieldReader
    ) -> Address? {
        let p = reader.join(path, key)
        guard let value = obj[key], value != .null, let a = reader.object(value, at: p) else { return nil }
        return Address(
            name: reader.text(a, "name", at: p), phone: reader.text(a, "phone", at: p),
            company: reader.text(a, "company", at: p), address1: reader.text(a, "address1", at: p),
            address2: reader.text(a, "address2", at: p), city: reader.text(a, "city", at: p),
            state: reader.text(a, "state", at: p), postalCode: reader.text(a, "postalCode", at: p),
            country: reader.text(a, "country", at: p))
    }

    private func decodeLines(_ obj: OrderedDictionary<String, JSONValue>, at path: String, reader: inout FieldReader)
        -> [OrderLine]?
    {
        let p = reader.join(path, "lines")
        guard let elements = reader.array(obj, "lines", at: path, required: true) else { return nil }
        if elements.isEmpty { reader.fail(p, "must have at least one line"); return nil }
        if elements.count > limits.maxLinesPerOrder {
            reader.fail(p, "has \(elements.count) lines; at most \(limits.maxLinesPerOrder) are allowed")
            return nil
        }
        var lines: [OrderLine] = []
        var seen: [String: Int] = [:]
        let before = reader.problems.count
        for (i, element) in elements.enumerated() {
            let lp = "\(p)[\(i)]"
            guard let l = reader.object(element, at: lp) else { continue }
            let sku = reader.identifier(l, "sku", at: lp, required: true)
            let qty = reader.positiveInt(l["qty"], at: "\(lp).qty", max: limits.maxQuantity)
            let name = reader.text(l, "name", at: lp)
            let weight = reader.weight(l, "unitWeightG", at: lp)
            var barcodes: [String] = []
            if let codes = reader.array(l, "barcodes", at: lp, required: false) {
                if codes.count > limits.maxBarcodesPerLine {
                    reader.fail("\(lp).barcodes", "has \(codes.count) barcodes; at most \(limits.maxBarcodesPerLine)")
                }
                for (k, code) in codes.enumerated() {
                    let cp = "\(lp).barcodes[\(k)]"
                    if let s = reader.string(code, at: cp, required: true, maxLength: limits.maxIdentifierLength),
                        let s = reader.checkIdentifier(s, at: cp)
                    {
                        barcodes.append(s)
                    }
                }
            }
            guard let sku, let qty else { continue }
            if let first = seen[sku] {
                reader.fail("\(lp).sku", "\"\(sku)\" already appears in \(p)[\(first)]; give each SKU one line")
                continue
            }
            seen[sku] = i
            lines.append(OrderLine(sku: sku, name: name, qty: qty, barcodes: barcodes, unitWeightG: weight))
        }
        return reader.problems.count == before ? lines : nil
    }

    private func decodeParcels(
        _ obj: OrderedDictionary<String, JSONValue>, at path: String, orderId: String?, orderWaybill: String?,
        lines: [OrderLine], reader: inout FieldReader
    ) -> [Parcel]? {
        let p = reader.join(path, "parcels")
        guard let elements = reader.array(obj, "parcels", at: path, required: false) else {
            // The implicit single parcel of an order-level waybill.
            guard let orderWaybill else {
                if obj["parcels"] == nil || obj["parcels"] == .null {
                    reader.fail(reader.join(path, "waybill"), "is required when the order has no \"parcels\"")
                }
                return nil
            }
            guard let orderId else { return nil }
            return [
                Parcel(
                    id: "\(orderId)-1", waybill: orderWaybill,
                    lines: lines.map { ParcelLine(sku: $0.sku, qty: $0.qty) })
            ]
        }
        if elements.isEmpty { reader.fail(p, "must have at least one parcel"); return nil }
        if elements.count > limits.maxParcelsPerOrder {
            reader.fail(p, "has \(elements.count) parcels; at most \(limits.maxParcelsPerOrder) are allowed")
            return nil
        }
        let before = reader.problems.count
        var parcels: [Parcel] = []
        var ids: [String: Int] = [:]
        var waybills: [String: Int] = [:]
        var packed: [String: Int] = [:]
        for (i, element) in elements.enumerated() {
            let pp = "\(p)[\(i)]"
            guard let po = reader.object(element, at: pp) else { continue }
            let id = reader.identifier(po, "id", at: pp, required: false) ?? orderId.map { "\($0)-\(i + 1)" }
            let waybill = reader.identifier(po, "waybill", at: pp, required: true)
            let weight = reader.weight(po, "expectedWeightG", at: pp)
            let label = decodeLabel(po, at: pp, reader: &reader)
            let parcelLines = decodeParcelLines(
                po, at: pp, orderLines: lines, onlyParcel: elements.count == 1, reader: &reader)
            guard let id, let waybill, let parcelLines else { continue }
            if let first = ids[CodeText.fold(id)] {
                reader.fail("\(pp).id", "\"\(id)\" is also the id of \(p)[\(first)]")
            }
            ids[CodeText.fold(id)] = i
            if let first = waybills[CodeText.fold(waybill)] {
                reader.fail("\(pp).waybill", "\"\(waybill)\" is also the waybill of \(p)[\(first)]")
            }
            waybills[CodeText.fold(waybill)] = i
            for line in parcelLines { packed[line.sku, default: 0] += line.qty }
            parcels.append(Parcel(id: id, waybill: waybill, lines: parcelLines, expectedWeightG: weight, label: label))
        }
        for (k, line) in lines.enumerated() where (packed[line.sku] ?? 0) > line.qty {
            reader.fail(
                "\(path).lines[\(k)].qty",
                "the parcels hold \(packed[line.sku]!) of \"\(line.sku)\" but the order has \(line.qty)")
        }
        return reader.problems.count == before ? parcels : nil
    }

    private func decodeParcelLines(
        _ po: OrderedDictionary<String, JSONValue>, at pp: String, orderLines: [OrderLine], onlyParcel: Bool,
        reader: inout FieldReader
    ) -> [ParcelLine]? {
        guard let elements = reader.array(po, "lines", at: pp, required: !onlyParcel) else {
            return onlyParcel ? orderLines.map { ParcelLine(sku: $0.sku, qty: $0.qty) } : nil
        }
        let lp = "\(pp).lines"
        if elements.isEmpty { reader.fail(lp, "must have at least one line"); return nil }
        let known = Set(orderLines.map(\.sku))
        var result: [ParcelLine] = []
        var seen: [String: Int] = [:]
        let before = reader.problems.count
        for (i, element) in elements.enumerated() {
            let ep = "\(lp)[\(i)]"
            guard let l = reader.object(element, at: ep) else { continue }
            let sku = reader.identifier(l, "sku", at: ep, required: true)
            let qty = reader.positiveInt(l["qty"], at: "\(ep).qty", max: limits.maxQuantity)
            guard let sku, let qty else { continue }
            if !known.isEmpty, !known.contains(sku) {
                reader.fail("\(ep).sku", "\"\(sku)\" is not a line of the order")
                continue
            }
            if let first = seen[sku] {
                reader.fail("\(ep).sku", "\"\(sku)\" already appears in \(lp)[\(first)]")
                continue
            }
            seen[sku] = i
            result.append(ParcelLine(sku: sku, qty: qty))
        }
        return reader.problems.count == before ? result : nil
    }

    private func decodeLabel(_ po: OrderedDictionary<String, JSONValue>, at pp: String, reader: inout FieldReader)
        -> LabelSpec?
    {
        let p = "\(pp).label"
        guard let value = po["label"], value != .null, let l = reader.object(value, at: p) else { return nil }
        if let doc = l["document"], doc != .null {
            guard let d = reader.object(doc, at: "\(p).document") else { return nil }
            let fp = "\(p).document.format"
            guard let f = reader.string(d["format"], at: fp, required: true, maxLength: 16) else { return nil }
            guard let format = LabelDocumentFormat(rawValue: f) else {
                reader.fail(fp, "must be one of \"zpl\", \"tspl\", \"pdf\", \"png\", not \"\(f)\"")
                return nil
            }
            let bp = "\(p).document.base64"
            guard let data = reader.string(d["base64"], at: bp, required: true, maxLength: limits.maxDocumentLength)
            else { return nil }
            guard !checksDocumentBase64 || Base64Check.isValid(data) else {
                reader.fail(bp, "is not valid base64")
                return nil
            }
            return .document(format: format, base64: data)
        }
        guard let name = reader.identifier(l, "template", at: p, required: true) else { return nil }
        // A name from the template catalogue, never a path: order data must not
        // choose a file for packd to read.
        if !name.utf8.allSatisfy(Self.isTemplateNameByte) || name.hasPrefix(".") {
            reader.fail("\(p).template", "must be a template name (letters, digits, \".\", \"_\", \"-\"), not \"\(name)\"")
            return nil
        }
        var fields: [String: String] = [:]
        if let f = l["fields"], f != .null, let fo = reader.object(f, at: "\(p).fields") {
            if fo.count > limits.maxLabelFields {
                reader.fail("\(p).fields", "has \(fo.count) fields; at most \(limits.maxLabelFields) are allowed")
                return nil
            }
            for (k, v) in fo {
                let fp = "\(p).fields.\(k)"
                if k.utf8.count > limits.maxIdentifierLength {
                    reader.fail(fp, "the name is \(k.utf8.count) bytes long; at most \(limits.maxIdentifierLength) are allowed")
                    continue
                }
                switch v {
                case .string: fields[k] = reader.string(v, at: fp, required: false, maxLength: limits.maxTextLength)
                case .int(let n): fields[k] = String(n)
                case .double(let d): fields[k] = String(d)
                case .bool(let b): fields[k] = String(b)
                case .null: break
                default: reader.fail(fp, "must be a string or a number, not \(v.kindName)")
                }
            }
        }
        return .template(name: name, fields: fields)
    }

    static func isTemplateNameByte(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
            || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: ".") || b == UInt8(ascii: "_")
            || b == UInt8(ascii: "-")
    }
}
