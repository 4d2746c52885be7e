/// Every order a station can scan, indexed for constant-time matching.
///
/// A value type: the engine reads it, and only `upsert` and `apply` change it, so the
/// owner (the daemon's station hub, or a replay) decides when changes take effect.
public struct OrderBook: Sendable {
    var orders: [BookOrder] = []
    var catalog = SkuCatalog()
    var claims = ClaimQueue()
    /// Folded order id -> slot.
    private var slotByOrderId: [String: Int32] = [:]
    /// Folded platform order id -> slot; `platformCollisions` holds the rare ids that
    /// two orders (two platforms) share.
    private var slotByPlatformId: [String: Int32] = [:]
    private var platformCollisions: [String: [Int32]] = [:]
    /// Folded waybill or parcel id -> parcel. Parcel ids of the implicit form
    /// `<order id>-<n>` are not stored: they are found through the order (a million
    /// fewer keys in a book of a million orders).
    private var parcelByCode: [String: ParcelRef] = [:]
    private var stationNames: [String] = []
    private var stationSlots: [String: StationSlot] = [:]

    public init() {}

    public init(orders: some Sequence<Order>) {
        self.init()
        for order in orders { upsert(order) }
    }

    public var orderCount: Int { orders.count }

    /// Room for `count` orders, so that loading a large book does not rehash its
    /// indexes over and over.
    public mutating func reserveCapacity(_ count: Int) {
        orders.reserveCapacity(count)
        slotByOrderId.reserveCapacity(count)
        parcelByCode.reserveCapacity(count)
    }

    /// Room for `count` platform order ids (a loader that knows how many orders
    /// carry one).
    public mutating func reservePlatformIndexCapacity(_ count: Int) {
        slotByPlatformId.reserveCapacity(count)
    }

    // MARK: Changing the book

    /// Adds an order, or replaces the earlier version with the same id. What packd
    /// knows of its parcels (shipped, open at a station) carries over by parcel id.
    /// (An order without parcels, or a parcel without lines, has nothing to scan; the
    /// decoder never produces one.)
    public mutating func upsert(_ order: Order) {
        let folded = CodeText.fold(order.id)
        let slot: Int32
        var carried: [String: (shipped: Bool, openAt: StationSlot?, generation: UInt32)] = [:]
        // The claim queues the old version was in: their tops may now be stale.
        var oldClaimSkus: [SkuID] = []
        var oldBarcodeUses: [BarcodeUse] = []
        if let existing = slotByOrderId[folded] {
            slot = existing
            let old = orders[Int(slot)]
            oldBarcodeUses = old.barcodeUses
            for parcel in old.parcels {
                if let sku = parcel.singleUnitSku { oldClaimSkus.append(sku) }
                carried[CodeText.fold(parcel.id)] = (parcel.shipped, parcel.openAt, parcel.claimGeneration)
                unindex(code: parcel.waybill, slot: slot)
                unindex(code: parcel.id, slot: slot)
            }
            if let pid = old.platformOrderId { unindexPlatform(pid, slot: slot) }
        } else {
            slot = Int32(orders.count)
            slotByOrderId[folded] = slot
        }

        // The order's SKUs, looked up by the parcels' lines: a short list (an order
        // has a few lines), a dictionary only for a long one.
        var lineSkus: [(sku: String, id: SkuID)] = []
        lineSkus.reserveCapacity(order.lines.count)
        var barcodeUses: [BarcodeUse] = []
        for line in order.lines {
            let id = catalog.register(sku: line.sku)
            lineSkus.append((line.sku, id))
            for barcode in line.barcodes { barcodeUses.append(catalog.addUse(of: barcode, for: id)) }
        }
        // The old version's barcodes go after the new one's came, so that a barcode
        // both give never leaves the catalogue in between.
        defer { for use in oldBarcodeUses { catalog.removeUse(use) } }
        let skuBySku: [String: SkuID]? =
            lineSkus.count > 16 ? Dictionary(lineSkus.map { ($0.sku, $0.id) }, uniquingKeysWith: { _, last in last }) : nil
        var parcels: [BookParcel] = []
        parcels.reserveCapacity(order.parcels.count)
        for parcel in order.parcels {
            let state = carried[CodeText.fold(parcel.id)]
            let items = parcel.lines.map { line in
                BookItem(
                    sku: (skuBySku.map { $0[line.sku] } ?? lineSkus.last { $0.sku == line.sku }?.id)
                        ?? catalog.register(sku: line.sku), qty: Int32(line.qty))
            }
            guard let inlineItems = InlineList(items) else { continue }
            parcels.append(
                BookParcel(
                    id: parcel.id, waybill: parcel.waybill, items: inlineItems, shipped: state?.shipped ?? false,
                    openAt: state?.openAt, claimGeneration: (state?.generation ?? 0) &+ 1))
        }
        guard let inlineParcels = InlineList(parcels) else {
            // Nothing to scan: the new version's barcodes are not kept either.
            for use in barcodeUses { catalog.removeUse(use) }
            if Int(slot) == orders.count { slotByOrderId[folded] = nil } else { orders[Int(slot)].barcodeUses = [] }
            return
        }
        defer { for sku in oldClaimSkus { cleanClaims(sku: sku) } }
        let entry = BookOrder(
            id: order.id, platformOrderId: order.platformOrderId, status: order.status,
            approvedAtMs: order.approvedAt?.millisecondsSinceEpoch ?? Int64.max, parcels: inlineParcels,
            barcodeUses: barcodeUses)
        if Int(slot) == orders.count { orders.append(entry) } else { orders[Int(slot)] = entry }

        for (index, parcel) in parcels.enumerated() {
            let ref = ParcelRef(slot: slot, index: Int32(index))
            parcelByCode[CodeText.fold(parcel.waybill)] = ref
            let foldedParcelId = CodeText.fold(parcel.id)
            if !OrderBook.isImplicitParcelId(foldedParcelId, of: folded, index) { parcelByCode[foldedParcelId] = ref }
            enqueueClaimIfEligible(ref)
        }
        if let pid = order.platformOrderId { indexPlatform(pid, slot: slot) }
    }

    /// Applies what the engine decided (after the journal has it).
    public mutating func apply(_ change: BookChange) {
        guard let ref = resolve(change.parcel) else { return }
        let s = Int(ref.slot)
        let i = Int(ref.index)
        switch change {
        case .open(_, let station):
            orders[s].parcels[i].openAt = stationSlot(station)
        case .release(_, let station):
            guard let slot = stationSlots[station], orders[s].parcels[i].openAt == slot else { return }
            orders[s].parcels[i].openAt = nil
            orders[s].parcels[i].claimGeneration &+= 1
            enqueueClaimIfEligible(ref)
        case .ship:
            orders[s].parcels[i].shipped = true
            orders[s].parcels[i].openAt = nil
        }
        if let sku = orders[s].parcels[i].singleUnitSku { cleanClaims(sku: sku) }
    }

    public mutating func apply(_ changes: [BookChange]) {
        for change in changes { apply(change) }
    }

    /// Sets a parcel's state to what a shared store says it is, whatever the book
    /// held: another packd opened, released or shipped it, or a decision this book
    /// applied early lost its race in the store. Returns false for a parcel the
    /// book does not have.
    @discardableResult
    public mutating func restate(_ key: ParcelKey, to state: ParcelState) -> Bool {
        guard let ref = resolve(key) else { return false }
        let s = Int(ref.slot)
        let i = Int(ref.index)
        switch state {
        case .pending:
            orders[s].parcels[i].shipped = false
            orders[s].parcels[i].openAt = nil
        case .open(let station):
            orders[s].parcels[i].shipped = false
            orders[s].parcels[i].openAt = stationSlot(station)
        case .shipped:
            orders[s].parcels[i].shipped = true
            orders[s].parcels[i].openAt = nil
        }
        orders[s].parcels[i].claimGeneration &+= 1
        enqueueClaimIfEligible(ref)
        return true
    }

    // MARK: Claim queue upkeep

    private func isClaimable(_ ref: ParcelRef) -> Bool {
        let order = orders[Int(ref.slot)]
        let parcel = order.parcels[Int(ref.index)]
        return order.status == .approved && !parcel.shipped && parcel.openAt == nil && parcel.singleUnitSku != nil
    }

    private mutating func enqueueClaimIfEligible(_ ref: ParcelRef) {
        let order = orders[Int(ref.slot)]
        let parcel = order.parcels[Int(ref.index)]
        guard let sku = parcel.singleUnitSku else { return }
        if isClaimable(ref) {
            claims.push(
                ClaimQueue.Candidate(
                    approvedAtMs: order.approvedAtMs, orderId: order.id, ref: ref,
                    generation: parcel.claimGeneration),
                sku: sku)
        }
        cleanClaims(sku: sku)
    }

    private mutating func cleanClaims(sku: SkuID) {
        let orders = self.orders
        claims.clean(sku: sku) { Self.isCurrent($0, sku: sku, in: orders) }
    }

    private static func isCurrent(_ candidate: ClaimQueue.Candidate, sku: SkuID, in orders: [BookOrder]) -> Bool {
        guard Int(candidate.ref.slot) < orders.count else { return false }
        let order = orders[Int(candidate.ref.slot)]
        guard Int(candidate.ref.index) < order.parcels.count else { return false }
        let parcel = order.parcels[Int(candidate.ref.index)]
        return parcel.claimGeneration == candidate.generation && order.status == .approved && !parcel.shipped
            && parcel.openAt == nil && parcel.singleUnitSku == sku
    }

    /// The orders this book would offer next for single-item claims of the same
    /// item as `key`'s parcel, oldest first (empty when it is not a one-unit
    /// parcel). A fleet member that lost a claim reads them from the shared store
    /// at once, instead of losing to each of them in turn.
    public func claimCandidates(like key: ParcelKey, limit: Int) -> [String] {
        guard let ref = resolve(key), let sku = orders[Int(ref.slot)].parcels[Int(ref.index)].singleUnitSku else { return [] }
        let orders = self.orders
        return claims.first(limit, sku: sku) { Self.isCurrent($0, sku: sku, in: orders) }.map(\.orderId)
    }

    // MARK: Indexes

    private mutating func stationSlot(_ name: String) -> StationSlot {
        if let slot = stationSlots[name] { return slot }
        let slot = StationSlot(raw: UInt16(truncatingIfNeeded: stationNames.count))
        stationNames.append(name)
        stationSlots[name] = slot
        return slot
    }

    static func implicitParcelId(_ foldedOrderId: String, _ index: Int) -> String {
        "\(foldedOrderId)-\(index + 1)"
    }

    /// `parcelId == implicitParcelId(orderId, index)`, without building the string
    /// (a million times at start).
    static func isImplicitParcelId(_ parcelId: String, of foldedOrderId: String, _ index: Int) -> Bool {
        var parcel = parcelId.utf8.makeIterator()
        for b in foldedOrderId.utf8 where parcel.next() != b { return false }
        guard parcel.next() == UInt8(ascii: "-") else { return false }
        // The rest reads as index + 1, in decimal without leading zeros.
        var value = 0
        var digits = 0
        while let b = parcel.next() {
            guard b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9"), !(digits == 0 && b == UInt8(ascii: "0")), digits < 18 else {
                return false
            }
            value = value * 10 + Int(b - UInt8(ascii: "0"))
            digits += 1
        }
        return digits > 0 && value == index + 1
    }

    /// A parcel by folded waybill or parcel id, explicit or implicit.
    private func lookupParcel(_ folded: String) -> ParcelRef? {
        if let ref = parcelByCode[folded] { return ref }
        guard let dash = folded.lastIndex(of: "-"), let n = Int(folded[folded.index(after: dash)...]), n >= 1,
            let slot = slotByOrderId[String(folded[..<dash])]
        else { return nil }
        let order = orders[Int(slot)]
        guard n <= order.parcels.count, CodeText.fold(order.parcels[n - 1].id) == folded else { return nil }
        return ParcelRef(slot: slot, index: Int32(n - 1))
    }

    private mutating func unindex(code: String, slot: Int32) {
        let key = CodeText.fold(code)
        if parcelByCode[key]?.slot == slot { parcelByCode[key] = nil }
    }

    private mutating func indexPlatform(_ pid: String, slot: Int32) {
        let key = CodeText.fold(pid)
        if var list = platformCollisions[key] {
            if !list.contains(slot) { list.append(slot) }
            platformCollisions[key] = list
        } else if let other = slotByPlatformId[key], other != slot {
            platformCollisions[key] = [other, slot]
            slotByPlatformId[key] = nil
        } else {
            slotByPlatformId[key] = slot
        }
    }

    private mutating func unindexPlatform(_ pid: String, slot: Int32) {
        let key = CodeText.fold(pid)
        if slotByPlatformId[key] == slot { slotByPlatformId[key] = nil }
        if var list = platformCollisions[key] {
            list.removeAll { $0 == slot }
            platformCollisions[key] = list.isEmpty ? nil : list
        }
    }

    // MARK: Reading

    func resolve(_ key: ParcelKey) -> ParcelRef? {
        guard let ref = lookupParcel(CodeText.fold(key.parcelId)) else { return nil }
        let order = orders[Int(ref.slot)]
        guard order.id == key.orderId, order.parcels[Int(ref.index)].id == key.parcelId else { return nil }
        return ref
    }

    func parcelRef(forCode folded: String) -> ParcelRef? { lookupParcel(folded) }

    /// Orders whose id or platform order id is the code.
    func orderSlots(forCode folded: String) -> [Int32] {
        var slots: [Int32] = []
        if let s = slotByOrderId[folded] { slots.append(s) }
        if let s = slotByPlatformId[folded], !slots.contains(s) { slots.append(s) }
        if let list = platformCollisions[folded] {
            for s in list where !slots.contains(s) { slots.append(s) }
        }
        return slots
    }

    func key(_ ref: ParcelRef) -> ParcelKey {
        let order = orders[Int(ref.slot)]
        return ParcelKey(orderId: order.id, parcelId: order.parcels[Int(ref.index)].id)
    }

    func order(_ ref: ParcelRef) -> BookOrder { orders[Int(ref.slot)] }
    func bookParcel(_ ref: ParcelRef) -> BookParcel { orders[Int(ref.slot)].parcels[Int(ref.index)] }

    /// The station verifying the parcel now, if any.
    func openStation(_ ref: ParcelRef) -> String? {
        orders[Int(ref.slot)].parcels[Int(ref.index)].openAt.map { stationNames[Int($0.raw)] }
    }

    func isShipped(_ ref: ParcelRef) -> Bool {
        let order = orders[Int(ref.slot)]
        return order.status == .shipped || order.parcels[Int(ref.index)].shipped
    }

    /// The oldest claimable single-unit parcel of any of these SKUs; with a rank,
    /// the (rank+1)-th oldest (or the youngest, when there are fewer).
    func nextClaim(for skus: [SkuID], rank: Int = 0) -> (ref: ParcelRef, sku: SkuID)? {
        guard rank > 0 else {
            var best: (ClaimQueue.Candidate, SkuID)?
            for sku in skus {
                guard let top = claims.peek(sku: sku) else { continue }
                if best == nil || top < best!.0 { best = (top, sku) }
            }
            return best.map { ($0.0.ref, $0.1) }
        }
        // Only a fleet asks for a rank: the oldest few are read off a copy of each
        // queue (its cost grows with the queue, paid only by a fleet's claims).
        let orders = self.orders
        var oldest: [(ClaimQueue.Candidate, SkuID)] = []
        for sku in skus {
            oldest += claims.first(rank + 1, sku: sku) { Self.isCurrent($0, sku: sku, in: orders) }.map { ($0, sku) }
        }
        guard !oldest.isEmpty else { return nil }
        oldest.sort { $0.0 < $1.0 }
        let chosen = oldest[min(rank, oldest.count - 1)]
        return (chosen.0.ref, chosen.1)
    }

    /// What a station shows and reports about a parcel.
    public func parcel(_ key: ParcelKey) -> ParcelView? {
        resolve(key).map(view)
    }

    func view(_ ref: ParcelRef) -> ParcelView {
        let order = orders[Int(ref.slot)]
        let parcel = order.parcels[Int(ref.index)]
        return ParcelView(
            key: ParcelKey(orderId: order.id, parcelId: parcel.id), waybill: parcel.waybill,
            orderStatus: order.status, shipped: isShipped(ref), openAt: parcel.openAt.map { stationNames[Int($0.raw)] },
            items: parcel.items.map { ParcelLine(sku: catalog.sku($0.sku), qty: Int($0.qty)) })
    }
}

/// Where a parcel stands, as a journal records it.
public enum ParcelState: Sendable, Hashable {
    case pending
    case open(station: String)
    case shipped
}

/// A parcel as the book holds it now.
public struct ParcelView: Sendable, Equatable {
    public var key: ParcelKey
    public var waybill: String
    public var orderStatus: OrderStatus
    public var shipped: Bool
    public var openAt: String?
    public var items: [ParcelLine]
}
