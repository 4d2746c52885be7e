/// How a station behaves. The defaults are those of contracts.md section 3.
public struct EngineConfig: Sendable, Equatable {
    /// After an error, ignore scans until the acknowledgement code.
    public var requireAck = true
    /// 一单一件: an item scanned with no parcel open claims the oldest waiting
    /// single-item parcel.
    public var singleItem = true
    /// The same code from the same device within this window is a double read.
    public var debounceMs: Int64 = 300
    public var labelPolicy: LabelPolicy = .onComplete
    public var controlCodes = ControlCodes()
    /// Which of the claimable parcels a single-item claim takes: 0 the oldest (the
    /// contract), n the (n+1)-th oldest, or the youngest when there are fewer. A
    /// fleet sets it per station, so that many stations scanning the same item at
    /// once do not all race for one order in the shared store.
    public var claimRank = 0

    public init() {}
}

/// When a station prints a parcel's label.
public enum LabelPolicy: String, Sendable, CaseIterable, Codable {
    /// When the last item is verified (the default): the label goes on a checked parcel.
    case onComplete = "on_complete"
    /// When the parcel is opened, for stations that label first and pack after.
    case onOpen = "on_open"
    /// When the ERP approves the order (the daemon queues it as the order
    /// arrives); the station itself prints nothing more, as with `never`.
    case onApproval = "on_approval"
    /// Never at the station (the ERP prints on approval).
    case never

    /// Whether the station prints labels when parcels open or complete.
    public var printsAtStation: Bool { self == .onComplete || self == .onOpen }
}

/// The codes printed on the station's control card and operator badges.
public struct ControlCodes: Sendable, Equatable {
    public var acknowledge = "PACKD:ACK"
    public var cancel = "PACKD:CANCEL"
    public var reprint = "PACKD:REPRINT"
    public var badgePrefix = "OP:"

    public init() {}
}
