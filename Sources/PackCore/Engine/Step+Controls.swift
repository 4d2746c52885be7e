/// Control codes and operator badges.
extension Step {
    mutating func handleControlCode() -> Bool {
        let codes = config.controlCodes
        switch code.folded {
        case engine.folded.acknowledge:
            finish(.acknowledged, message: "Nothing to acknowledge.", order: state.open?.key.orderId,
                   parcel: state.open?.key.parcelId)
            return true
        case engine.folded.cancel:
            cancelOpenParcel()
            return true
        case engine.folded.reprint:
            reprintLastLabel()
            return true
        default:
            break
        }
        let prefix = engine.folded.badgePrefix
        if !prefix.isEmpty, code.folded.hasPrefix(prefix) {
            let id = CodeText.trim(String(code.text.dropFirst(codes.badgePrefix.count)))
            guard !id.isEmpty else {
                finish(.unknownCode, message: "Badge without an operator id.")
                return true
            }
            state.operatorId = id
            finish(.operatorLogin, message: "Operator \(id) signed in.",
                   order: state.open?.key.orderId, parcel: state.open?.key.parcelId)
            return true
        }
        return false
    }

    private mutating func cancelOpenParcel() {
        guard let open = state.open else {
            finish(.cancelled, message: "No parcel was open.")
            return
        }
        let counted = open.verified.filter { $0.value > 0 }.sorted { $0.key < $1.key }
            .map { ParcelLine(sku: $0.key, qty: $0.value) }
        emit(.parcelAbandoned, order: open.key.orderId, parcel: open.key.parcelId, waybill: open.waybill,
             items: counted, reason: "operator_cancelled")
        effects.append(.book(.release(open.key, station: state.station)))
        state.open = nil
        finish(.cancelled, message: "Parcel \(open.waybill) abandoned; nothing shipped. Unpack it.",
               order: open.key.orderId, parcel: open.key.parcelId)
    }

    private mutating func reprintLastLabel() {
        guard let last = state.lastLabel else {
            // Not an error: nothing went wrong at the bench, so the station must not lock behind
            // an acknowledgement (a packer scanning REPRINT twice would otherwise be stuck).
            finish(.reprinted, message: "No label to reprint at this station yet; nothing printed.",
                   order: state.open?.key.orderId, parcel: state.open?.key.parcelId)
            return
        }
        effects.append(.printLabel(last, reprint: true))
        finish(.reprinted, message: "Label of \(last.parcelId) printed again.", order: last.orderId,
               parcel: last.parcelId)
    }
}
