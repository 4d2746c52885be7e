/// What one packing station is doing. Persisted by the journal after every scan
/// that changes it, so a restarted daemon resumes mid-parcel.
public struct StationState: Sendable, Equatable, Codable {
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

    // Debounce times are not journaled: they matter for 300 ms, not across a restart.
    enum CodingKeys: String, CodingKey {
        case station, operatorId, open, pendingError, lastLabel
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        station = try c.decode(String.self, forKey: .station)
        operatorId = try c.decodeIfPresent(String.self, forKey: .operatorId)
        open = try c.decodeIfPresent(OpenParcel.self, forKey: .open)
        pendingError = try c.decodeIfPresent(PendingError.self, forKey: .pendingError)
        lastLabel = try c.decodeIfPresent(ParcelKey.self, forKey: .lastLabel)
        lastScans = [:]
    }

    /// Whether the parts that are journaled differ.
    public func durablyDiffers(from other: StationState) -> Bool {
        station != other.station || operatorId != other.operatorId || open != other.open
            || pendingError != other.pendingError || lastLabel != other.lastLabel
    }
}

/// A parcel under verification and the units counted so far, by SKU.
public struct OpenParcel: Sendable, Equatable, Codable {
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
public struct PendingError: Sendable, Equatable, Codable {
    public var kind: OutcomeKind
    public var code: String
    public var message: String
}

public struct RecentScan: Sendable, Equatable, Codable {
    public var code: String
    public var atMs: Int64
}
