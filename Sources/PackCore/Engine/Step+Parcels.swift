/// Recognising, opening, intercepting and completing parcels.
extension Step {
    enum ParcelTarget {
        case parcel(ParcelRef)
        case ambiguous(orderId: String, unshipped: Int)
        case orderShipped(orderId: String, parcel: String?)
        case orderIntercepted(orderId: String, status: OrderStatus)
    }

    /// What the code names as a parcel: a waybill or parcel id, or an order id /
    /// platform order id that leads to exactly one unshipped parcel.
    func parcelTarget() -> ParcelTarget? {
        if let ref = book.parcelRef(forCode: code.folded) { return .parcel(ref) }
        let slots = book.orderSlots(forCode: code.folded)
        guard !slots.isEmpty else { return nil }
        var unshipped: [ParcelRef] = []
        var all: [ParcelRef] = []
        for slot in slots {
            let order = book.orders[Int(slot)]
            for index in order.parcels.indices {
                let ref = ParcelRef(slot: slot, index: Int32(index))
                all.append(ref)
                if !book.isShipped(ref) { unshipped.append(ref) }
            }
        }
        let firstOrder = book.orders[Int(slots[0])]
        if slots.count == 1, firstOrder.status.intercepts, !unshipped.isEmpty {
            return unshipped.count == 1 ? .parcel(unshipped[0]) : .orderIntercepted(orderId: firstOrder.id, status: firstOrder.status)
        }
        switch unshipped.count {
        case 0:
            let only = all.count == 1 ? book.bookParcel(all[0]).id : nil
            return .orderShipped(orderId: book.orders[Int(all.first?.slot ?? slots[0])].id, parcel: only)
        case 1:
            return .parcel(unshipped[0])
        default:
            return .ambiguous(orderId: firstOrder.id, unshipped: unshipped.count)
        }
    }

    /// The code named a parcel while none is open.
    mutating func open(_ target: ParcelTarget) {
        switch target {
        case .ambiguous(let orderId, let count):
            finish(.ambiguousOrder, message: "Order \(orderId) has \(count) parcels to pack: scan the waybill instead.",
                   order: orderId)
        case .orderShipped(let orderId, let parcel):
            finish(.alreadyShipped, message: "Order \(orderId) has already shipped. Set the parcel aside.",
                   order: orderId, parcel: parcel)
        case .orderIntercepted(let orderId, let status):
            emit(.orderIntercepted, order: orderId, parcel: nil, waybill: nil, items: nil, status: status,
                 reason: "status")
            finish(.intercepted, message: interceptMessage(status), order: orderId)
        case .parcel(let ref):
            openParcel(ref)
        }
    }

    private mutating func openParcel(_ ref: ParcelRef) {
        let order = book.order(ref)
        let parcel = book.bookParcel(ref)
        if book.isShipped(ref) {
            finish(.alreadyShipped, message: "Parcel \(parcel.waybill) has already shipped. Set it aside.",
                   order: order.id, parcel: parcel.id)
            return
        }
        if order.status.intercepts {
            emit(.orderIntercepted, order: order.id, parcel: parcel.id, waybill: parcel.waybill, items: nil,
                 status: order.status, reason: "status")
            finish(.intercepted, message: interceptMessage(order.status), order: order.id, parcel: parcel.id)
            return
        }
        if let elsewhere = book.openStation(ref), elsewhere != state.station {
            // Two packers must never verify one parcel: the other station has it.
            finish(.parcelOpenElsewhere,
                   message: "Parcel \(parcel.waybill) is being packed at station \(elsewhere). Hand it over there.",
                   order: order.id, parcel: parcel.id)
            return
        }
        let key = ParcelKey(orderId: order.id, parcelId: parcel.id)
        state.open = OpenParcel(key: key, waybill: parcel.waybill)
        effects.append(.book(.open(key, station: state.station)))
        if config.labelPolicy == .onOpen {
            effects.append(.printLabel(key, reprint: false))
            state.lastLabel = key
        }
        let units = parcel.items.reduce(0) { $0 + Int($1.qty) }
        finish(.parcelOpened, message: "Parcel \(parcel.waybill) open: scan its \(units) item(s).",
               order: order.id, parcel: parcel.id)
    }

    /// Checked on every scan while a parcel is open: an order cancelled, refunded or
    /// put on hold mid-verification is intercepted on the very next scan.
    mutating func checkOpenParcelStillShippable() -> Bool {
        guard let open = state.open else { return false }
        guard let ref = book.resolve(open.key) else {
            state.open = nil
            effects.append(.book(.release(open.key, station: state.station)))
            emit(.orderIntercepted, order: open.key.orderId, parcel: open.key.parcelId, waybill: open.waybill,
                 items: nil, reason: "parcel_removed")
            finish(.intercepted, message: "Parcel \(open.waybill) is no longer part of its order. Set it aside.",
                   order: open.key.orderId, parcel: open.key.parcelId)
            return true
        }
        let order = book.order(ref)
        if book.isShipped(ref) {
            state.open = nil
            if !book.bookParcel(ref).shipped {
                // Marked shipped by the ERP, not by a station: let go of it.
                effects.append(.book(.release(open.key, station: state.station)))
            }
            finish(.alreadyShipped, message: "Parcel \(open.waybill) was shipped elsewhere. Set it aside.",
                   order: order.id, parcel: open.key.parcelId)
            return true
        }
        if order.status.intercepts {
            state.open = nil
            effects.append(.book(.release(open.key, station: state.station)))
            emit(.orderIntercepted, order: order.id, parcel: open.key.parcelId, waybill: open.waybill, items: nil,
                 status: order.status, reason: "status")
            finish(.intercepted, message: interceptMessage(order.status), order: order.id, parcel: open.key.parcelId)
            return true
        }
        return false
    }

    /// The last unit is verified: confirm the shipment.
    mutating func complete(_ open: OpenParcel, ref: ParcelRef) {
        let parcel = book.bookParcel(ref)
        let items = parcel.items.map { ParcelLine(sku: book.catalog.sku($0.sku), qty: Int($0.qty)) }
        ship(open.key, waybill: parcel.waybill, items: items)
        state.open = nil
        finish(.parcelCompleted, message: "Parcel \(parcel.waybill) complete and shipped.",
               order: open.key.orderId, parcel: open.key.parcelId)
    }

    /// Shipment confirmed: the book marks it, the core is told, the label prints.
    mutating func ship(_ key: ParcelKey, waybill: String, items: [ParcelLine]) {
        effects.append(.book(.ship(key)))
        emit(.parcelShipped, order: key.orderId, parcel: key.parcelId, waybill: waybill, items: items)
        if config.labelPolicy.printsAtStation, !(config.labelPolicy == .onOpen && state.lastLabel == key) {
            effects.append(.printLabel(key, reprint: false))
        }
        state.lastLabel = key
    }

    func interceptMessage(_ status: OrderStatus) -> String {
        let why = switch status {
        case .cancelled: "was cancelled"
        case .refunded: "was refunded"
        case .onHold: "is on hold"
        default: "cannot ship"
        }
        return "STOP: the order \(why). Do not ship; put the parcel in the intercept bin."
    }
}
