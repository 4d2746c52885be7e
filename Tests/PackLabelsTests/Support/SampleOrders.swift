import PackCore

@testable import PackLabels

/// Orders to label: a Chinese and a Latin address, and one full of hostile text.
enum SampleOrders {
    static let printedAt = Timestamp(rfc3339: "2026-11-22T09:15:00Z")!

    static func order(
        id: String = "SO-2001", waybill: String = "YT2412345678901", recipient: Address, sender: Address? = nil,
        remark: String? = "gift wrap", lines: [OrderLine]? = nil, routeCode: String = "SZX-LAX",
        carrier: Carrier = Carrier(code: "YUNEXPRESS", service: "YT-STANDARD")
    ) -> Order {
        let lines = lines ?? [
            OrderLine(sku: "RAZOR-01", name: "剃须刀", qty: 2, barcodes: ["6901234567892"]),
            OrderLine(sku: "CASE-01", name: "收纳盒", qty: 1),
        ]
        let parcel = Parcel(
            id: "\(id)-1", waybill: waybill, lines: lines.map { ParcelLine(sku: $0.sku, qty: $0.qty) },
            label: .template(name: "waybill-100x150", fields: ["routeCode": routeCode]))
        return Order(
            id: id, platform: "aliexpress", platformOrderId: "8123456789", status: .approved, carrier: carrier,
            recipient: recipient,
            sender: sender ?? Address(
                name: "温岭小店 Wenling Shop", phone: "0576-1234567", address1: "解放路88号", city: "温岭",
                state: "浙江", postalCode: "317500", country: "CN"),
            remark: remark, lines: lines, parcels: [parcel])
    }

    static let chinese = order(
        id: "SO-2001", waybill: "SF1234567890123",
        recipient: Address(
            name: "张伟", phone: "138 0013 8000", company: "深圳市腾飞贸易有限公司",
            address1: "广东省深圳市南山区科技园南区深南大道10000号", address2: "腾讯大厦12楼1203室", city: "深圳",
            state: "广东", postalCode: "518057", country: "CN"))

    static let latin = order(
        id: "SO-2002", waybill: "YT2412345678901",
        recipient: Address(
            name: "Zoë O'Brien-Müller", phone: "+49 30 1234567", company: nil, address1: "Friedrichstraße 123",
            address2: "Hinterhaus, 3. OG", city: "Berlin", state: nil, postalCode: "10117", country: "DE"))

    static func data(_ order: Order) -> LabelData {
        LabelData(order: order, parcel: order.parcels[0], printedAt: printedAt, utcOffsetSeconds: 8 * 3600)
    }

    static func bundled(_ name: String) throws -> LabelTemplate {
        try TemplateCatalog().template(name)
    }
}
