import Foundation
import Logging
import PackCore
public import PackCoreLink
import PackStore
import PackFleet
public import ServiceLifecycle

/// `core.mode = "remote"`: delivers the outbox to the core, and with
/// `core.feed = "pull"` pulls its orders (contracts.md sections 4 and 7). Stops
/// with the group; whatever was in flight is sent again at the next start with
/// the same ids.
public struct CoreLinkService: Service {
    let parts: DaemonParts
    let settings: CoreLinkSettings
    let deliver: Bool
    let pull: Bool

    public init(parts: DaemonParts, settings: CoreLinkSettings, deliver: Bool, pull: Bool) {
        self.parts = parts
        self.settings = settings
        self.deliver = deliver
        self.pull = pull
    }

    /// The link settings of a configuration, with the token read from its file.
    public static func settings(of config: PackConfig) throws -> CoreLinkSettings? {
        guard let url = config.core.url else { return nil }
        var settings = CoreLinkSettings(url: url)
        if let file = config.core.tokenFile {
            do {
                settings.token = try APIToken.read(file, minimumLength: 1)
            } catch {
                throw DaemonRunner.StartError(description: "core.token_file \(error)")
            }
        }
        settings.caFile = config.core.caFile
        settings.tuning = config.core.link
        return settings
    }

    public func run() async throws {
        let client = try CoreClient(settings: settings)
        parts.coreToken.attach(client)
        defer { parts.coreToken.attach(nil) }
        let reporter = CoreLinkReporter(parts: parts)
        let delivery = OutboxDelivery(
            store: parts.journal, client: client, settings: settings, observer: reporter, now: { WallClock.now() },
            doorbell: parts.outboxDoorbell)
        let feed = OrderFeed(
            client: client, settings: settings, sink: HubFeedSink(parts: parts), logger: parts.logger, now: { WallClock.now() },
            tokenRefused: { reason in await reporter.tokenRefused(reason, by: "feed") })
        parts.logger.info(
            "core link", metadata: ["url": "\(settings.url)", "deliver": "\(deliver)", "feed": "\(pull ? "pull" : "none")"])
        parts.metrics?.coreReachable(true)
        parts.metrics?.coreTokenRefused(false)
        let deliver = self.deliver
        let pull = self.pull
        let link: @Sendable () async -> Void = {
            await withDiscardingTaskGroup { group in
                if deliver { group.addTask { await delivery.run() } }
                if pull { group.addTask { await feed.run() } }
            }
        }
        await cancelWhenGracefulShutdown {
            if let fleet = parts.fleet {
                // One packd of the fleet talks to the core at a time.
                let metrics = parts.metrics
                metrics?.storeDelivering(false)
                await FleetDeliveryLease(journal: fleet).run(held: { metrics?.storeDelivering($0) }, link)
            } else {
                await link()
            }
        }
        await client.shutdown()
    }
}

/// The core link's news, in the daemon's logs and metrics.
struct CoreLinkReporter: CoreLinkObserver {
    let parts: DaemonParts

    func delivered(_ events: [DeliveryBatch.Event], status: Int) async {
        let now = WallClock.now().millisecondsSinceEpoch
        parts.metrics?.coreDelivered(
            events.count, ages: events.map { .milliseconds(max(0, now - $0.occurredAt.millisecondsSinceEpoch)) })
        parts.logger.debug("events delivered", metadata: ["count": "\(events.count)", "status": "\(status)"])
    }

    func retrying(_ events: [DeliveryBatch.Event], reason: String, delayMs: Int) async {
        parts.metrics?.coreFailed(events.count, dead: false)
        parts.logger.info(
            "events not delivered, retrying",
            metadata: ["count": "\(events.count)", "reason": "\(reason)", "retry_in_ms": "\(delayMs)"])
    }

    func deadLettered(_ event: DeliveryBatch.Event, status: Int, body: String) async {
        parts.metrics?.coreFailed(1, dead: true)
        parts.logger.error(
            "event refused by the core (dead letter)",
            metadata: ["event": "\(event.id)", "order": "\(event.orderId)", "status": "\(status)", "answer": "\(body.prefix(300))"])
    }

    func coreRefusesToken(_ reason: String?) async { await tokenRefused(reason, by: "delivery") }

    /// `source`: delivery or the feed, each told apart (CoreTokenState).
    func tokenRefused(_ reason: String?, by source: String) async {
        let changed = parts.coreToken.refused(reason, by: source)
        parts.metrics?.coreTokenRefused(parts.coreToken.refusal != nil)
        if let reason {
            if changed {
                parts.logger.error(
                    "the core refuses packd's token: delivery waits, nothing is dropped; fix core.token_file (read again before each try)",
                    metadata: ["reason": "\(reason)", "file": "\(parts.config.core.tokenFile ?? "none")"])
            }
            // The operator may have fixed the file already: the next try sends what it holds now.
            parts.coreToken.reload()
        } else if changed {
            parts.logger.notice("the core takes packd's token again: the backlog drains")
        }
    }

    func coreUnreachable(_ reason: String?) async {
        parts.metrics?.coreReachable(reason == nil)
        let backlog = try? await parts.journal.outboxBacklog()
        if let reason {
            parts.logger.warning(
                "core unreachable: stations keep packing, events wait in the outbox",
                metadata: ["reason": "\(reason)", "backlog": "\(backlog?.pending ?? -1)"])
        } else {
            parts.logger.notice("core reachable again: the backlog drains", metadata: ["backlog": "\(backlog?.pending ?? -1)"])
        }
    }
}

/// Feed pages go through the station hub, like `POST /v1/orders`: journal first
/// (with the cursor), then the book; approved orders print on approval.
struct HubFeedSink: OrderFeedSink {
    let parts: DaemonParts

    func cursor() async throws -> String? { try await parts.journal.feedCursor() }

    func apply(_ page: FeedPage) async throws {
        let summary = try await parts.hub.applyFeedPage(page, at: WallClock.now(), approval: parts.approvalPrinting)
        await parts.announce(summary)
        if page.count > 0 {
            parts.logger.info(
                "feed page imported",
                metadata: [
                    "orders": "\(page.count)", "added": "\(summary.added)", "replaced": "\(summary.replaced)",
                    "refused": "\(page.count - summary.added - summary.replaced)", "labels": "\(summary.labels.count)",
                ])
        }
    }
}
