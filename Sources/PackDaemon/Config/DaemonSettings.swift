public import PackCoreLink
public import PackAPI
import PackCore

/// `[api]`: the local HTTP API.
public struct APISettings: Sendable, Equatable {
    public var listen = ListenAddress.default
    /// The bearer token's file (first line). Absent: `<state_dir>/api.token`,
    /// created once with mode 0600.
    public var tokenFile: String?
    /// The largest request body, in bytes (orders in bulk, base64 documents).
    public var maxBodyBytes = InputLimits.apiBodyBytes

    public init() {}
}

/// `[display]`: the station display page.
public struct DisplaySettings: Sendable, Equatable {
    public var tokenFile: String?
    /// `zh-CN` or `en`; nil follows the browser.
    public var language: String?

    public init() {}
}

/// `[core]`: the ERP's core stock module. Delivery to a remote core and the pull
/// feed are read here and carried out by the core link.
public struct CoreSettings: Sendable, Equatable {
    public enum Feed: String, Sendable { case none, pull }
    public var url: String?
    public var tokenFile: String?
    public var feed = Feed.none
    /// PEM file of the CAs trusted for an https core (default: the system's).
    public var caFile: String?
    /// Timeouts, batching, pacing, backoff, the feed's page size and poll interval.
    public var link = CoreLinkTuning()

    public init() {}
}

/// `[store]`: where the order book lives.
public struct StoreSettings: Sendable, Equatable {
    public enum Backend: String, Sendable { case sqlite, postgres }
    public var backend = Backend.sqlite
    public var url: String?
    public var passwordFile: String?
    /// This packd's name in a fleet (its print jobs, its log lines); the host
    /// name when not set. Station ids must differ across the fleet.
    public var node: String?
    /// How long a scan waits for the store before the packer hears it is away.
    public var timeoutMs = 5_000
    /// Pooled connections to the store, the notification listener's and the
    /// delivery lease's among them.
    public var connections = 10

    public init() {}
}

/// `[retention]`: how long finished work stays in memory and in the journal, so
/// that a daemon running for months stays small.
public struct RetentionSettings: Sendable, Equatable {
    /// Shipped and cancelled orders leave the in-memory book this long after
    /// their last change (the journal still has them; an order sent again is read
    /// back with its parcels' states).
    public var bookHours = 72
    /// Delivered events, finished print jobs and their documents, and finished
    /// orders are deleted from the journal this long after they finished.
    public var journalDays = 30
    /// A shipped parcel's waybill, id and time are remembered this long after
    /// its order was deleted, so that the order sent again answers `already_shipped`.
    public var shippedMemoryDays = 730

    public init() {}
}
