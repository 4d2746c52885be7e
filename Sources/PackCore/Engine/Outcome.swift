/// The answer to one scan (contracts.md section 2).
public enum OutcomeKind: String, Sendable, CaseIterable, Codable {
    case parcelOpened = "parcel_opened"
    case itemVerified = "item_verified"
    case parcelCompleted = "parcel_completed"
    case parcelInProgress = "parcel_in_progress"
    /// The parcel is being verified at another station (named in the message and
    /// `station`): nothing was acted on. An addition to contracts.md section 2.
    case parcelOpenElsewhere = "parcel_open_elsewhere"
    case noParcelOpen = "no_parcel_open"
    case wrongItem = "wrong_item"
    case overScan = "over_scan"
    case intercepted
    case alreadyShipped = "already_shipped"
    case ambiguousOrder = "ambiguous_order"
    case unknownCode = "unknown_code"
    case duplicateIgnored = "duplicate_ignored"
    case singleItemClaimed = "single_item_claimed"
    case noPendingOrder = "no_pending_order"
    case ackRequired = "ack_required"
    case acknowledged
    case cancelled
    case reprinted
    case operatorLogin = "operator_login"

    /// Errors that "stay": the station waits for the acknowledgement code.
    public var requiresAcknowledgement: Bool {
        switch self {
        case .wrongItem, .overScan, .intercepted, .alreadyShipped, .unknownCode, .parcelInProgress, .noParcelOpen:
            true
        default:
            false
        }
    }

    /// How the station sounds it.
    public var sound: SoundCue? {
        switch self {
        case .duplicateIgnored: nil
        case .parcelCompleted, .singleItemClaimed: .complete
        case .intercepted: .intercept
        case .parcelOpened, .itemVerified, .acknowledged, .cancelled, .reprinted, .operatorLogin: .accept
        case .parcelInProgress, .parcelOpenElsewhere, .noParcelOpen, .wrongItem, .overScan, .alreadyShipped, .ambiguousOrder,
            .unknownCode, .noPendingOrder, .ackRequired:
            .error
        }
    }
}

public enum SoundCue: String, Sendable, Codable {
    case accept, complete, error, intercept
}

/// One scan's outcome with what the station shows the packer.
public struct Outcome: Sendable, Equatable {
    public var kind: OutcomeKind
    /// The code after trimming.
    public var code: String
    public var order: String?
    public var parcel: String?
    public var sku: String?
    public var verified: Int?
    public var expected: Int?
    /// With `ack_required`: the error that is waiting.
    public var pending: OutcomeKind?
    /// What the packer should do, in a sentence.
    public var message: String

    public init(
        kind: OutcomeKind, code: String, order: String? = nil, parcel: String? = nil, sku: String? = nil,
        verified: Int? = nil, expected: Int? = nil, pending: OutcomeKind? = nil, message: String
    ) {
        self.kind = kind
        self.code = code
        self.order = order
        self.parcel = parcel
        self.sku = sku
        self.verified = verified
        self.expected = expected
        self.pending = pending
        self.message = message
    }
}
