public import PackCore
public import PackStore
public import Logging

/// Where the feed's pages go: the daemon journals each page with its cursor in
/// one transaction and updates the order book (and prints on approval).
public protocol OrderFeedSink: Sendable {
    func cursor() async throws -> String?
    func apply(_ page: FeedPage) async throws
}

/// Pulls orders from the core (contracts.md section 7): pages back to back while
/// the core has more, then every `pollIntervalMs`; on an error, again after a
/// backoff. The cursor moves only with the journaled page, so a restart resumes
/// exactly where the journal stands.
public final class OrderFeed: Sendable {
    let client: CoreClient
    let settings: CoreLinkSettings
    let sink: any OrderFeedSink
    let logger: Logger
    let now: @Sendable () -> Timestamp
    /// Told when the core refuses the token (with why) and when it takes it again (nil).
    let tokenRefused: @Sendable (String?) async -> Void

    public init(
        client: CoreClient, settings: CoreLinkSettings, sink: any OrderFeedSink, logger: Logger,
        now: @escaping @Sendable () -> Timestamp, tokenRefused: @escaping @Sendable (String?) async -> Void = { _ in }
    ) {
        self.tokenRefused = tokenRefused
        self.client = client
        self.settings = settings
        self.sink = sink
        self.logger = logger
        self.now = now
    }

    public func run() async {
        let backoff = Backoff(baseMs: settings.backoffBaseMs, capMs: settings.backoffMaxMs)
        var failures = 0
        var refusedToken = false
        var rng = SystemRandomNumberGenerator()
        while !Task.isCancelled {
            do {
                let more = try await pullOnePage()
                if refusedToken {
                    refusedToken = false
                    await tokenRefused(nil)
                }
                if failures > 0 { logger.notice("order feed resumed") }
                failures = 0
                if !more { try? await Task.sleep(for: .milliseconds(settings.pollIntervalMs)) }
            } catch {
                if let failure = error as? Failure, let status = failure.status, status == 401 || status == 403 {
                    refusedToken = true
                    await tokenRefused(failure.description)
                }
                failures += 1
                let delay = backoff.delayMs(after: failures, using: &rng)
                if failures == 1 || failures % 10 == 0 {
                    logger.warning("order feed failed", metadata: ["error": "\(error)", "retry_in_ms": "\(delay)"])
                }
                try? await Task.sleep(for: .milliseconds(delay))
            }
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        /// The core's HTTP status, when it answered.
        public var status: Int?
    }

    /// One page; returns whether the core may have more.
    public func pullOnePage() async throws -> Bool {
        let cursor = try await sink.cursor()
        let response = try await client.getOrders(cursor: cursor, limit: settings.feedPageSize, maxBytes: InputLimits.feedPageBytes)
        guard response.status == 200 else {
            throw Failure(
                description: "GET /v1/orders answered HTTP \(response.status): \(response.text.prefix(200))", status: response.status)
        }
        let page = try FeedPage.decode(response.body, at: now())
        if page.count == 0, page.cursor == cursor { return false }
        try await sink.apply(page)
        if page.cursor == cursor {
            // Orders without a new cursor: asking again at once would get them again,
            // forever. Taken once per poll instead, and said.
            logger.warning("the core sent orders without moving the cursor", metadata: ["cursor": "\(page.cursor)", "orders": "\(page.count)"])
            return false
        }
        for letter in page.rejected {
            logger.warning(
                "feed order refused",
                metadata: ["order": "\(letter.orderId ?? "?")", "path": "\(letter.path ?? "")", "error": "\(letter.error)"])
        }
        return page.count > 0
    }
}
