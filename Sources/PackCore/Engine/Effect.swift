/// What a decision asks the world to do. The owner commits these to the journal in
/// one transaction with the new station state, then carries them out.
public enum Effect: Sendable, Equatable {
    case book(BookChange)
    case event(EventDraft)
    case printLabel(ParcelKey, reprint: Bool)
    case sound(SoundCue)
}

/// The engine's full answer to one scan.
public struct ScanDecision: Sendable, Equatable {
    public var state: StationState
    public var outcome: Outcome
    public var effects: [Effect]

    public var bookChanges: [BookChange] {
        effects.compactMap { if case .book(let c) = $0 { c } else { nil } }
    }

    public var events: [EventDraft] {
        effects.compactMap { if case .event(let e) = $0 { e } else { nil } }
    }

    public var labels: [(parcel: ParcelKey, reprint: Bool)] {
        effects.compactMap { if case .printLabel(let k, let r) = $0 { (k, r) } else { nil } }
    }
}
