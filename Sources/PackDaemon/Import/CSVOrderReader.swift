import CSV
public import PackCore
import OrderedCollections

/// Orders from a CSV file, one row per order line and parcel (docs/orders-csv.md).
///
/// Rows are grouped into orders by `order_id`; each row's `waybill` names the parcel
/// its units go in. The orders are then built as JSON and checked by the same
/// `OrderDecoder` as JSON files, so both formats obey the same rules.
public enum CSVOrderReader {
    public static let orderColumns = [
        "status", "approved_at", "platform", "platform_order_id", "station", "remark", "carrier_code",
        "carrier_service",
    ]
    static let addressFields = [
        ("name", "name"), ("phone", "phone"), ("company", "company"), ("address1", "address1"),
        ("address2", "address2"), ("city", "city"), ("state", "state"), ("postal_code", "postalCode"),
        ("country", "country"),
    ]
    public static let lineColumns = ["sku", "name", "qty", "barcodes", "unit_weight_g"]
    public static let parcelColumns = ["waybill", "parcel_id", "expected_weight_g", "label_template"]

    static var knownColumns: Set<String> {
        var known = Set(["order_id"] + orderColumns + lineColumns + parcelColumns)
        for (c, _) in addressFields {
            known.insert("recipient_\(c)")
            known.insert("sender_\(c)")
        }
        return known
    }

    public static func read(_ bytes: [UInt8], decoder: OrderDecoder = OrderDecoder()) throws(OrderFileError) -> [Order] {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        guard let text = String(validating: body, as: UTF8.self) else {
            do {
                try UTF8Check.validate(Array(body))
            } catch {
                throw single("$", "not UTF-8 text: \(error)")
            }
            throw single("$", "not UTF-8 text")
        }
        let reader: CSVReader
        do {
            reader = try CSVReader(string: text, hasHeaderRow: true, trimFields: true)
        } catch {
            throw single("row 1", "no header row")
        }
        guard let original = reader.headerRow else { throw single("row 1", "no header row") }
        // Column names are case-insensitive, but label field names keep their case (routeCode).
        let header = original.map { $0.lowercased().hasPrefix("label.") ? "label." + $0.dropFirst(6) : $0.lowercased() }
        for required in ["order_id", "status", "waybill", "sku", "qty"] where !header.contains(required) {
            throw single("row 1", "the header has no \"\(required)\" column")
        }
        let unknown = header.filter { !knownColumns.contains($0) && !$0.hasPrefix("label.") && !$0.isEmpty }
        if let first = unknown.first {
            throw single("row 1", "unknown column \"\(first)\" (docs/orders-csv.md lists the columns)")
        }

        var grouping = CSVOrderGrouping(header: header, limits: decoder.limits)
        var rowNumber = 1
        while let row = reader.next() {
            rowNumber += 1
            if row.allSatisfy(\.isEmpty) { continue }
            grouping.add(row, number: rowNumber)
        }
        if let error = reader.error { grouping.problems.append(OrderFieldError(path: "row \(rowNumber + 1)", message: "\(error)")) }
        if !grouping.problems.isEmpty {
            throw OrderFileError(
                problems: Array(grouping.problems.prefix(OrderDecoder.maxListedProblems)), total: grouping.problems.count)
        }
        do {
            return try decoder.decodeList(grouping.orders.values.map(\.json), root: "orders")
        } catch {
            // Name the CSV row where the order starts, beside the JSON path.
            let starts = Array(grouping.orders.values.map(\.firstRow))
            let mapped = error.problems.map { problem -> OrderFieldError in
                guard let index = CSVOrderReader.orderIndex(in: problem.path), index < starts.count else { return problem }
                return OrderFieldError(path: "row \(starts[index]) (\(problem.path))", message: problem.message)
            }
            throw OrderFileError(problems: mapped, total: error.total)
        }
    }

    static func orderIndex(in path: String) -> Int? {
        guard path.hasPrefix("orders["), let close = path.firstIndex(of: "]") else { return nil }
        return Int(path[path.index(path.startIndex, offsetBy: 7)..<close])
    }

    static func single(_ path: String, _ message: String) -> OrderFileError {
        OrderFileError(problems: [OrderFieldError(path: path, message: message)])
    }
}

