/// What one packing station is doing. Persisted by the journal after every scan
/// that changes it (debounce times excepted), so a restarted daemon resumes mid-parcel.
public struct StationState: Sendable, Equatable {
    public var station: String
    public var operatorId: String?
    public var open: OpenParcel?
    public var pendingError: PendingError?
    /// The last scan each device made that was acted on, for debounce.
    public var lastScans: [String: RecentScan]
    /// The parcel whose label `PACKD:REPRINT` prints again.
    public var lastLabel: ParcelKey?

    public init(station: String) {
        self.station = station
        self.lastScans = [:]
    }

    /// Whether the parts that are journaled differ.
    public func durablyDiffers(from other: StationState) -> Bool {
        station != other.station || operatorId != other.operatorId || open != other.open
            || pendingError != other.pendingError || lastLabel != other.lastLabel
    }
}

/// A parcel under verification and the units counted so far, by SKU.
public struct OpenParcel: Sendable, Equatable {
    public var key: ParcelKey
    public var waybill: String
    public var verified: [String: Int]

    public init(key: ParcelKey, waybill: String, verified: [String: Int] = [:]) {
        self.key = key
        self.waybill = waybill
        self.verified = verified
    }
}

/// An error the packer has not acknowledged yet.
public struct PendingError: Sendable, Equatable {
    public var kind: OutcomeKind
    public var code: String
    public var message: String

    public init(kind: OutcomeKind, code: String, message: String) {
        self.kind = kind
        self.code = code
        self.message = message
    }
}

public struct RecentScan: Sendable, Equatable {
    public var code: String
    public var atMs: Int64

    public init(code: String, atMs: Int64) {
        self.code = code
        self.atMs = atMs
    }
}
