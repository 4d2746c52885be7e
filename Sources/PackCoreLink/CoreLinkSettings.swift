/// How packd talks to the ERP's core (`[core]` in packd.toml; docs/integration.md):
/// where, with which token and trust, and how (`tuning`, whose fields read as the
/// settings' own: `settings.batchSize`).
@dynamicMemberLookup
public struct CoreLinkSettings: Sendable, Equatable {
    /// The core's base URL: events go to `{url}/v1/outbound-events`, the feed reads `{url}/v1/orders`.
    public var url: String
    /// The bearer token (the first line of `core.token_file`); nil: none sent.
    public var token: String?
    /// A PEM file of the CAs to trust instead of the system's (a core with a private CA).
    public var caFile: String?
    public var tuning = CoreLinkTuning()

    public init(url: String) {
        self.url = url
    }

    public subscript<T>(dynamicMember field: WritableKeyPath<CoreLinkTuning, T>) -> T {
        get { tuning[keyPath: field] }
        set { tuning[keyPath: field] = newValue }
    }

    /// `url` with `path` appended, with exactly one slash between them.
    func endpoint(_ path: String) -> String {
        var base = url
        while base.hasSuffix("/") { base.removeLast() }
        return base + path
    }
}

/// Timeouts, batching, pacing and backoff of the core link, with their defaults
/// (configuration.md lists the keys and their ranges).
public struct CoreLinkTuning: Sendable, Equatable {
    public var connectTimeoutMs = 3_000
    /// From sending a request to the end of the answer.
    public var requestTimeoutMs = 10_000
    /// Events per POST at most.
    public var batchSize = 500
    /// How long a batch that is not full waits for more events; 0: it goes at once
    /// (events arriving while a request is out go together in the next one anyway).
    public var lingerMs = 0
    /// Requests per second at most, so that a backlog drains without tripping the
    /// ERP's rate limit; 0: no limit.
    public var maxRequestsPerSecond = 20.0
    /// The first retry's delay; each later one doubles, up to `backoffMaxMs` (with jitter).
    public var backoffBaseMs = 500
    public var backoffMaxMs = 60_000
    /// Orders asked for per feed page.
    public var feedPageSize = 500
    /// How often the feed asks when caught up.
    public var pollIntervalMs = 2_000

    public init() {}
}
