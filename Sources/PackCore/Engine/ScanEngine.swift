/// The scan-to-ship rules (扫码出库): a pure function from a station's state, the
/// order book, one scan and the time to the new state, the outcome and the effects.
///
/// No I/O happens here. The daemon and `packd replay` run this same engine; the
/// owner commits the effects to the journal before it applies them or reports.
public struct ScanEngine: Sendable {
    public let config: EngineConfig
    /// The control codes and badge prefix, case-folded once rather than per scan.
    let folded: (acknowledge: String, cancel: String, reprint: String, badgePrefix: String)

    public init(config: EngineConfig = EngineConfig()) {
        self.config = config
        let c = config.controlCodes
        folded = (CodeText.fold(c.acknowledge), CodeText.fold(c.cancel), CodeText.fold(c.reprint), CodeText.fold(c.badgePrefix))
    }

    public func decide(_ scan: Scan, state: StationState, book: OrderBook, now: Timestamp) -> ScanDecision {
        var step = Step(engine: self, state: state, book: book, now: now, scan: scan)
        step.run()
        return ScanDecision(state: step.state, outcome: step.outcome!, effects: step.effects)
    }
}

/// One decision in progress: the working copy of the station state and what has
/// been decided so far. The rules themselves are in the `Step+*.swift` files.
struct Step {
    let engine: ScanEngine
    var state: StationState
    let book: OrderBook
    let now: Timestamp
    let scan: Scan
    let code: ScannedCode
    var outcome: Outcome?
    var effects: [Effect] = []

    init(engine: ScanEngine, state: StationState, book: OrderBook, now: Timestamp, scan: Scan) {
        self.engine = engine
        self.state = state
        self.book = book
        self.now = now
        self.scan = scan
        self.code = ScannedCode(scan.code)
    }

    var config: EngineConfig { engine.config }

    mutating func run() {
        if isDoubleRead() {
            outcome = Outcome(kind: .duplicateIgnored, code: code.trimmed, message: "Double read ignored.")
            return
        }
        state.lastScans[scan.device] = RecentScan(code: code.trimmed, atMs: scan.atMs)
        if checkOpenParcelStillShippable() { return }
        if holdForAcknowledgement() { return }
        if handleControlCode() { return }
        if state.open != nil {
            handleScanInOpenParcel()
        } else {
            handleScanWhileIdle()
        }
    }

    /// The same code from the same device within the debounce window.
    private func isDoubleRead() -> Bool {
        guard let last = state.lastScans[scan.device], last.code == code.trimmed else { return false }
        let elapsed = scan.atMs - last.atMs
        return elapsed >= 0 && elapsed < config.debounceMs
    }

    /// After an error, only the acknowledgement code is acted on.
    private mutating func holdForAcknowledgement() -> Bool {
        guard let pending = state.pendingError else { return false }
        if code.folded == engine.folded.acknowledge {
            state.pendingError = nil
            finish(.acknowledged, message: "Acknowledged. Carry on.", order: state.open?.key.orderId,
                   parcel: state.open?.key.parcelId)
            return true
        }
        guard config.requireAck else {
            state.pendingError = nil
            return false
        }
        outcome = Outcome(
            kind: .ackRequired, code: code.trimmed, order: state.open?.key.orderId, parcel: state.open?.key.parcelId,
            pending: pending.kind,
            message: "Scan \(config.controlCodes.acknowledge) first: \(pending.message)")
        effects.append(.sound(.error))
        return true
    }

    /// Records the outcome, its sound, and (for errors) the pending acknowledgement.
    mutating func finish(
        _ kind: OutcomeKind, message: String, order: String? = nil, parcel: String? = nil, sku: String? = nil,
        verified: Int? = nil, expected: Int? = nil
    ) {
        outcome = Outcome(
            kind: kind, code: code.trimmed, order: order, parcel: parcel, sku: sku, verified: verified,
            expected: expected, message: message)
        if let cue = kind.sound { effects.append(.sound(cue)) }
        if kind.requiresAcknowledgement && config.requireAck {
            state.pendingError = PendingError(kind: kind, code: code.trimmed, message: message)
        }
    }

    mutating func emit(
        _ type: EventType, order: String, parcel: String?, waybill: String?, items: [ParcelLine]?,
        status: OrderStatus? = nil, reason: String? = nil
    ) {
        effects.append(
            .event(
                EventDraft(
                    type: type, occurredAt: now, station: state.station, operatorId: state.operatorId,
                    orderId: order, parcelId: parcel, waybill: waybill, items: items, status: status, reason: reason)))
    }
}
