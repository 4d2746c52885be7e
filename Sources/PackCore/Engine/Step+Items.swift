/// Item scans: counting against the open parcel, and single-item claims.
extension Step {
    mutating func handleScanInOpenParcel() {
        // `checkOpenParcelStillShippable` has already closed a parcel the book no
        // longer has; should one slip through, the scan is taken as at an idle station.
        guard var open = state.open, let ref = book.resolve(open.key) else {
            state.open = nil
            return handleScanWhileIdle()
        }
        let parcel = book.bookParcel(ref)
        let candidates = book.catalog.candidates(for: code)

        // An item of this parcel: prefer a line that still needs units.
        let lines = parcel.items.filter { candidates.contains($0.sku) }
        if let line = lines.first(where: { open.verified[book.catalog.sku($0.sku), default: 0] < Int($0.qty) })
            ?? lines.first
        {
            let sku = book.catalog.sku(line.sku)
            let expected = Int(line.qty)
            let counted = open.verified[sku, default: 0]
            guard counted < expected else {
                finish(.overScan, message: "Too many \(sku): the parcel needs only \(expected). Take one out.",
                       order: open.key.orderId, parcel: open.key.parcelId, sku: sku, verified: counted,
                       expected: expected)
                return
            }
            open.verified[sku] = counted + 1
            state.open = open
            let done = parcel.items.allSatisfy { open.verified[book.catalog.sku($0.sku), default: 0] >= Int($0.qty) }
            if done {
                complete(open, ref: ref)
                outcome?.sku = sku
                outcome?.verified = counted + 1
                outcome?.expected = expected
            } else {
                finish(.itemVerified, message: "\(sku) \(counted + 1)/\(expected).", order: open.key.orderId,
                       parcel: open.key.parcelId, sku: sku, verified: counted + 1, expected: expected)
            }
            return
        }

        if let target = parcelTarget() {
            if case .parcel(let other) = target, other == ref {
                finish(.parcelOpened, message: "Parcel \(open.waybill) is open: scan its items.",
                       order: open.key.orderId, parcel: open.key.parcelId)
            } else {
                finish(.parcelInProgress,
                       message: "Parcel \(open.waybill) is still open: finish it, or scan \(config.controlCodes.cancel).",
                       order: open.key.orderId, parcel: open.key.parcelId)
            }
            return
        }
        if !candidates.isEmpty {
            finish(.wrongItem, message: "Wrong item: \(code.text) is not in parcel \(open.waybill). Take it out.",
                   order: open.key.orderId, parcel: open.key.parcelId, sku: book.catalog.sku(candidates[0]))
            return
        }
        finish(.unknownCode, message: "Unknown code \(code.text).", order: open.key.orderId,
               parcel: open.key.parcelId)
    }

    mutating func handleScanWhileIdle() {
        if let target = parcelTarget() {
            open(target)
            return
        }
        let candidates = book.catalog.candidates(for: code)
        guard !candidates.isEmpty else {
            finish(.unknownCode, message: code.isEmpty ? "Empty scan." : "Unknown code \(code.text).")
            return
        }
        guard config.singleItem else {
            finish(.noParcelOpen, message: "No parcel open: scan the waybill first.",
                   sku: book.catalog.sku(candidates[0]))
            return
        }
        guard let (ref, skuID) = book.nextClaim(for: candidates, rank: config.claimRank) else {
            finish(.noPendingOrder, message: "No waiting single-item order for \(code.text).",
                   sku: book.catalog.sku(candidates[0]))
            return
        }
        let order = book.order(ref)
        let parcel = book.bookParcel(ref)
        let key = ParcelKey(orderId: order.id, parcelId: parcel.id)
        let sku = book.catalog.sku(skuID)
        ship(key, waybill: parcel.waybill, items: [ParcelLine(sku: sku, qty: 1)])
        finish(.singleItemClaimed, message: "Order \(order.id) claimed: stick the label on \(parcel.waybill).",
               order: order.id, parcel: parcel.id, sku: sku, verified: 1, expected: 1)
    }
}
