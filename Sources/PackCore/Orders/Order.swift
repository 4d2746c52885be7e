/// An order as the ERP sends it (contracts.md section 1), validated.
///
/// `source` keeps the order exactly as received, unknown fields included, so that
/// packd can hand it back unchanged; the typed fields are what packd acts on.
public struct Order: Sendable, Equatable {
    public var id: String
    public var platform: String?
    public var platformOrderId: String?
    public var status: OrderStatus
    public var approvedAt: Timestamp?
    public var carrier: Carrier?
    public var station: String?
    public var recipient: Address?
    public var sender: Address?
    public var remark: String?
    public var lines: [OrderLine]
    public var parcels: [Parcel]
    public var source: JSONValue

    public init(
        id: String, platform: String? = nil, platformOrderId: String? = nil, status: OrderStatus,
        approvedAt: Timestamp? = nil, carrier: Carrier? = nil, station: String? = nil,
        recipient: Address? = nil, sender: Address? = nil, remark: String? = nil,
        lines: [OrderLine], parcels: [Parcel], source: JSONValue = .null
    ) {
        self.id = id
        self.platform = platform
        self.platformOrderId = platformOrderId
        self.status = status
        self.approvedAt = approvedAt
        self.carrier = carrier
        self.station = station
        self.recipient = recipient
        self.sender = sender
        self.remark = remark
        self.lines = lines
        self.parcels = parcels
        self.source = source
    }

    public func line(sku: String) -> OrderLine? { lines.first { $0.sku == sku } }
}

public struct OrderLine: Sendable, Equatable {
    public var sku: String
    public var name: String?
    public var qty: Int
    public var barcodes: [String]
    public var unitWeightG: Double?

    public init(sku: String, name: String? = nil, qty: Int, barcodes: [String] = [], unitWeightG: Double? = nil) {
        self.sku = sku
        self.name = name
        self.qty = qty
        self.barcodes = barcodes
        self.unitWeightG = unitWeightG
    }
}

public struct Parcel: Sendable, Equatable {
    public var id: String
    public var waybill: String
    public var lines: [ParcelLine]
    public var expectedWeightG: Double?
    public var label: LabelSpec?

    public init(id: String, waybill: String, lines: [ParcelLine], expectedWeightG: Double? = nil, label: LabelSpec? = nil) {
        self.id = id
        self.waybill = waybill
        self.lines = lines
        self.expectedWeightG = expectedWeightG
        self.label = label
    }

    /// Units in the parcel, all lines together.
    public var unitCount: Int { lines.reduce(0) { $0 + $1.qty } }
}

public struct ParcelLine: Sendable, Equatable, Hashable {
    public var sku: String
    public var qty: Int

    public init(sku: String, qty: Int) {
        self.sku = sku
        self.qty = qty
    }
}

public struct Carrier: Sendable, Equatable {
    public var code: String?
    public var service: String?

    public init(code: String?, service: String?) {
        self.code = code
        self.service = service
    }
}

public struct Address: Sendable, Equatable {
    public var name: String?
    public var phone: String?
    public var company: String?
    public var address1: String?
    public var address2: String?
    public var city: String?
    public var state: String?
    public var postalCode: String?
    public var country: String?

    public init(
        name: String? = nil, phone: String? = nil, company: String? = nil, address1: String? = nil,
        address2: String? = nil, city: String? = nil, state: String? = nil, postalCode: String? = nil,
        country: String? = nil
    ) {
        self.name = name
        self.phone = phone
        self.company = company
        self.address1 = address1
        self.address2 = address2
        self.city = city
        self.state = state
        self.postalCode = postalCode
        self.country = country
    }
}

/// How a parcel's label is made: from a packd template, or the carrier's own document.
public enum LabelSpec: Sendable, Equatable {
    case template(name: String, fields: [String: String])
    case document(format: LabelDocumentFormat, base64: String)
}

public enum LabelDocumentFormat: String, Sendable, CaseIterable {
    case zpl, tspl, pdf, png
}
