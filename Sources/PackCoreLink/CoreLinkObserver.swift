public import PackStore

/// What the core link tells the daemon (logs, metrics, the stations' backlog).
public protocol CoreLinkObserver: Sendable {
    /// The core has these events.
    func delivered(_ events: [DeliveryBatch.Event], status: Int) async
    /// Sending failed; the events go again in `delayMs`.
    func retrying(_ events: [DeliveryBatch.Event], reason: String, delayMs: Int) async
    /// The core refused this event for good.
    func deadLettered(_ event: DeliveryBatch.Event, status: Int, body: String) async
    /// The core went away (with why) or came back (nil).
    func coreUnreachable(_ reason: String?) async
    /// The core refuses packd's token (with its answer), or took it again (nil).
    /// The observer reads the token file again: a fixed file resumes delivery
    /// at the next try, without a reload.
    func coreRefusesToken(_ reason: String?) async
}

extension CoreLinkObserver {
    public func coreRefusesToken(_ reason: String?) async {}
}
