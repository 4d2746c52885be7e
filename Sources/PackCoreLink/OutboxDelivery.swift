public import PackCore
public import PackStore

/// Sends the outbox to the core (contracts.md section 4): batches in journal
/// order, one request at a time, paced; 2xx and 409 delivered, 408/429/5xx and
/// broken connections retried with backoff, 401/403 (the token refused) a link
/// failure retried with backoff, other 4xx dead-lettered, one event at a time
/// when a batch was refused, so that one bad event costs only itself.
///
/// The events stay in the journal until the core has them, so a crash or a
/// restart resends them with the same ids (the core dedupes on the id). Nothing
/// here is on a scan's path: a decision with events only rings the doorbell.
public final class OutboxDelivery: Sendable {
    let store: any OutboxStore
    let client: CoreClient
    let settings: CoreLinkSettings
    let observer: any CoreLinkObserver
    let now: @Sendable () -> Timestamp
    let doorbell: Doorbell
    /// How long an idle loop sleeps before it looks again on its own (a CLI's
    /// `packd outbox retry` does not ring).
    static let idleLookMs = 1_000

    public init(
        store: any OutboxStore, client: CoreClient, settings: CoreLinkSettings, observer: any CoreLinkObserver,
        now: @escaping @Sendable () -> Timestamp, doorbell: Doorbell = Doorbell()
    ) {
        self.doorbell = doorbell
        self.store = store
        self.client = client
        self.settings = settings
        self.observer = observer
        self.now = now
    }

    public func run() async {
        var pacer = RequestPacer(perSecond: settings.maxRequestsPerSecond)
        var link = LinkHealth(backoff: Backoff(baseMs: settings.backoffBaseMs, capMs: settings.backoffMaxMs))
        var lingered = false
        while !Task.isCancelled {
            if let pause = link.pauseUntil, pause > ContinuousClock.now {
                try? await Task.sleep(until: pause)
                continue
            }
            let batch: DeliveryBatch
            do {
                batch = try await store.deliveryBatch(limit: settings.batchSize, now: now())
            } catch {
                // The journal is the daemon's problem (the watchdog reports it); look again soon.
                try? await Task.sleep(for: .seconds(1))
                continue
            }
            if batch.events.isEmpty {
                let untilDue = batch.nextDue.map { max(10, Int($0.millisecondsSinceEpoch - now().millisecondsSinceEpoch)) }
                await doorbell.wait(upTo: .milliseconds(min(untilDue ?? Self.idleLookMs, Self.idleLookMs)))
                continue
            }
            if settings.lingerMs > 0, batch.events.count < settings.batchSize, !lingered {
                lingered = true
                try? await Task.sleep(for: .milliseconds(settings.lingerMs))
                continue
            }
            lingered = false
            let wait = pacer.reserve()
            if wait > .zero { try? await Task.sleep(for: wait) }
            if Task.isCancelled { return }
            await send(batch.events, link: &link)
        }
    }

    private func send(_ events: [DeliveryBatch.Event], link: inout LinkHealth) async {
        let answer = await post(events)
        switch answer {
        case .delivered(let status):
            await markDelivered(events, status: status, link: &link)
        case .retry(let reason, let retryAfterMs):
            await retry(events, reason: reason, retryAfterMs: retryAfterMs, link: &link)
        case .refused(let status, let body):
            if events.count == 1 {
                await dead(events[0], status: status, body: body, link: &link)
            } else {
                await isolate(events, link: &link)
            }
        case .tokenRefused(let status, let body):
            await tokenRefused(events, status: status, body: body, link: &link)
        }
    }

    /// The whole backlog waits, in order, and nothing dies: a rotated or mistyped
    /// token is fixed in its file, not by dropping what packers shipped.
    private func tokenRefused(_ events: [DeliveryBatch.Event], status: Int, body: String, link: inout LinkHealth) async {
        let reason = "the core refuses packd's token (HTTP \(status)\(body.isEmpty ? "" : ": \(body.prefix(200))"))"
        link.tokenRefused = true
        await observer.coreRefusesToken(reason)
        await retry(events, reason: reason, retryAfterMs: nil, link: &link)
    }

    /// A refused batch: each event alone, in order, to find the one the core refuses.
    /// An order whose event died keeps its later events pending behind it.
    private func isolate(_ events: [DeliveryBatch.Event], link: inout LinkHealth) async {
        var deadOrders = Set<String>()
        for event in events where !deadOrders.contains(event.orderId) {
            if Task.isCancelled { return }
            switch await post([event]) {
            case .delivered(let status):
                await markDelivered([event], status: status, link: &link)
            case .retry(let reason, let retryAfterMs):
                // The rest go in a later batch, in order.
                await retry([event], reason: reason, retryAfterMs: retryAfterMs, link: &link)
                return
            case .refused(let status, let body):
                deadOrders.insert(event.orderId)
                await dead(event, status: status, body: body, link: &link)
            case .tokenRefused(let status, let body):
                await tokenRefused([event], status: status, body: body, link: &link)
                return
            }
        }
    }

    private func post(_ events: [DeliveryBatch.Event]) async -> CoreAnswer {
        do {
            let response = try await client.postEvents(events.map(\.payload))
            return CoreAnswer.classify(status: response.status, body: response.text, retryAfter: response.retryAfter)
        } catch {
            return .retry(reason: error.description, retryAfterMs: nil)
        }
    }

    private func markDelivered(_ events: [DeliveryBatch.Event], status: Int, link: inout LinkHealth) async {
        do {
            try await store.markDelivered(events.map(\.seq), at: now())
        } catch {
            // Not marked: they go again and the core dedupes them by id.
        }
        if link.tokenRefused {
            link.tokenRefused = false
            await observer.coreRefusesToken(nil)
        }
        if link.succeeded() { await observer.coreUnreachable(nil) }
        await observer.delivered(events, status: status)
    }

    private func retry(_ events: [DeliveryBatch.Event], reason: String, retryAfterMs: Int?, link: inout LinkHealth) async {
        var rng = SystemRandomNumberGenerator()
        let (delayMs, wentAway) = link.failed(retryAfterMs: retryAfterMs, using: &rng)
        try? await store.markRetry(
            events.map(\.seq), error: reason,
            nextAttemptAt: Timestamp(millisecondsSinceEpoch: now().millisecondsSinceEpoch + Int64(delayMs)))
        if wentAway { await observer.coreUnreachable(reason) }
        await observer.retrying(events, reason: reason, delayMs: delayMs)
    }

    private func dead(_ event: DeliveryBatch.Event, status: Int, body: String, link: inout LinkHealth) async {
        try? await store.markDead(event.seq, status: status, response: body, at: now())
        if link.tokenRefused {
            link.tokenRefused = false
            await observer.coreRefusesToken(nil)
        }
        // The core answered: it is there.
        if link.succeeded() { await observer.coreUnreachable(nil) }
        await observer.deadLettered(event, status: status, body: body)
    }
}

/// Whether the core answers: consecutive failures, and until when the whole link
/// waits (after a failure every request would likely fail the same way).
struct LinkHealth {
    let backoff: Backoff
    private(set) var failures = 0
    private(set) var pauseUntil: ContinuousClock.Instant?
    /// The last answer was 401/403.
    var tokenRefused = false

    init(backoff: Backoff) { self.backoff = backoff }

    /// Returns the delay for the failed events and whether the core just went away.
    mutating func failed<G: RandomNumberGenerator>(retryAfterMs: Int?, using rng: inout G) -> (delayMs: Int, wentAway: Bool) {
        failures += 1
        let delay = retryAfterMs ?? backoff.delayMs(after: failures, using: &rng)
        pauseUntil = .now + .milliseconds(delay)
        return (delay, failures == 1)
    }

    /// Returns whether the core just came back.
    mutating func succeeded() -> Bool {
        defer {
            failures = 0
            pauseUntil = nil
        }
        return failures > 0
    }
}
