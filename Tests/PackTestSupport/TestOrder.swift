import Foundation
import PackCore

/// An order as an ERP sends it (the order JSON of docs/orders.md), written as
/// the JSON that `POST /v1/orders`, `packd orders import` and the order feed
/// take: the suite's one order builder. The presets below are the orders the
/// daemon's tests use; a test changes what it is about and leaves the rest.
public struct TestOrder: Sendable {
    public struct Line: Sendable {
        public var sku: String
        public var qty: Int
        public var name: String?
        public var barcodes: [String]

        public init(_ sku: String, qty: Int = 1, name: String? = nil, barcodes: [String] = []) {
            self.sku = sku
            self.qty = qty
            self.name = name
            self.barcodes = barcodes
        }
    }

    public struct Parcel: Sendable {
        public var id: String
        public var waybill: String
        public var lines: [Line]
        /// The label's template and fields (`"label": {"template": ..., "fields": ...}`).
        public var template: String?
        public var fields: [(String, String)]

        public init(id: String, waybill: String, lines: [Line], template: String? = nil, fields: [(String, String)] = []) {
            self.id = id
            self.waybill = waybill
            self.lines = lines
            self.template = template
            self.fields = fields
        }
    }

    public var id: String
    public var status: String
    public var approvedAt: String?
    public var station: String?
    public var lines: [Line]
    /// Empty: the one-parcel shorthand (`"waybill"` beside the lines).
    public var parcels: [Parcel]
    public var waybill: String?
    /// Carrier, recipient and sender of a real parcel (Chinese address), for labels.
    public var addressed: Bool

    public init(
        _ id: String, status: String = "approved", approvedAt: String? = "2026-11-22T08:00:00Z", station: String? = nil,
        waybill: String? = nil, lines: [Line], parcels: [Parcel] = [], addressed: Bool = false
    ) {
        self.id = id
        self.status = status
        self.approvedAt = approvedAt
        self.station = station
        self.waybill = waybill
        self.lines = lines
        self.parcels = parcels
        self.addressed = addressed
    }

    /// The order's JSON object.
    public var json: String {
        var members = ["\"id\": \(Self.quoted(id))", "\"status\": \(Self.quoted(status))"]
        if let approvedAt { members.append("\"approvedAt\": \(Self.quoted(approvedAt))") }
        if let station { members.append("\"station\": \(Self.quoted(station))") }
        if addressed {
            members.append(#""carrier": {"code": "YUNEXPRESS", "service": "YT-STANDARD"}"#)
            members.append(
                #""recipient": {"name": "王小明", "phone": "+86 138 0000 0000", "address1": "浙江省温岭市太平街道 88 号", "city": "温岭", "state": "浙江", "postalCode": "317500", "country": "CN"}"#
            )
            members.append(#""sender": {"name": "Wenling Shop", "address1": "1 Jiefang Rd", "city": "Wenling", "country": "CN"}"#)
        }
        if let waybill { members.append("\"waybill\": \(Self.quoted(waybill))") }
        members.append("\"lines\": [\(lines.map(Self.json).joined(separator: ", "))]")
        if !parcels.isEmpty { members.append("\"parcels\": [\(parcels.map(Self.json).joined(separator: ", "))]") }
        return "{" + members.joined(separator: ", ") + "}"
    }

    /// `{"orders": [...]}`, as `POST /v1/orders` and an order file take a batch.
    public static func batch(_ orders: [TestOrder]) -> String {
        "{\"orders\": [" + orders.map(\.json).joined(separator: ",\n") + "]}"
    }

    // MARK: - Presets

    /// A parcel to print: addressed, one line of `qty` × `sku` (a razor with an
    /// EAN), one parcel `<id>-1` with the 100x150 waybill template.
    public static func labelled(
        _ id: String, waybill: String, station: String? = nil, status: String = "approved", sku: String = "RAZOR-01",
        qty: Int = 1
    ) -> TestOrder {
        TestOrder(
            id, status: status, station: station, lines: [Line(sku, qty: qty, name: "剃须刀", barcodes: ["6901234567892"])],
            parcels: [
                Parcel(
                    id: "\(id)-1", waybill: waybill, lines: [Line(sku, qty: qty)], template: "waybill-100x150",
                    fields: [("routeCode", "SZX-HGH")])
            ], addressed: true)
    }

    /// Orders SO-i (i in `range`), each with `parcels` one-line parcels SO-i-k
    /// whose waybill is W-i-k and whose SKU is SKU-i-k.
    public static func numbered(_ range: ClosedRange<Int>, parcels: Int = 1, status: String = "approved") -> [TestOrder] {
        range.map { i in
            let boxes = (1...parcels).map { k in
                Parcel(id: "SO-\(i)-\(k)", waybill: "W-\(i)-\(k)", lines: [Line("SKU-\(i)-\(k)")])
            }
            return TestOrder("SO-\(i)", status: status, lines: boxes.flatMap(\.lines), parcels: boxes)
        }
    }

    /// `count` one-item orders C0, C1... of `sku`, approved a second apart
    /// (oldest first: the order 一单一件 claims them in), waybills WBC0, WBC1...
    public static func singleItem(_ count: Int, sku: String) -> [TestOrder] {
        (0..<count).map { i in
            let at = String(format: "2026-11-22T08:%02d:%02dZ", i / 60 % 60, i % 60)
            return TestOrder("C\(i)", approvedAt: at, waybill: "WBC\(i)", lines: [Line(sku)])
        }
    }

    // MARK: - JSON

    static func json(_ line: Line) -> String {
        var members = ["\"sku\": \(quoted(line.sku))"]
        if let name = line.name { members.append("\"name\": \(quoted(name))") }
        members.append("\"qty\": \(line.qty)")
        if !line.barcodes.isEmpty { members.append("\"barcodes\": [\(line.barcodes.map(quoted).joined(separator: ", "))]") }
        return "{" + members.joined(separator: ", ") + "}"
    }

    static func json(_ parcel: Parcel) -> String {
        var members = [
            "\"id\": \(quoted(parcel.id))", "\"waybill\": \(quoted(parcel.waybill))",
            "\"lines\": [\(parcel.lines.map(json).joined(separator: ", "))]",
        ]
        if let template = parcel.template {
            let fields = parcel.fields.map { "\(quoted($0.0)): \(quoted($0.1))" }.joined(separator: ", ")
            members.append("\"label\": {\"template\": \(quoted(template)), \"fields\": {\(fields)}}")
        }
        return "{" + members.joined(separator: ", ") + "}"
    }

    /// A JSON string literal (PackCore's writer: the one packd answers with).
    public static func quoted(_ text: String) -> String { JSONValue.string(text).serialized() }
}
