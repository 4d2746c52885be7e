import DequeModule
public import PackAPI
public import PackCore

/// The stations' event streams (SSE): each station's messages numbered in order,
/// the latest kept for clients that reconnect with `Last-Event-ID`, and sent to
/// every subscriber as they happen.
///
/// Ids start from the daemon's start time in milliseconds times 1000, so they keep
/// increasing across restarts, and an id from before a restart is recognised as
/// one whose messages are gone (the client gets the station's state instead).
public actor EventHub {
    private struct Channel {
        var nextId: Int64
        /// The latest `keep` messages, oldest first (a ring: each scan adds one).
        var recent = Deque<ServerSentEvent>()
        var subscribers: [Int: AsyncStream<ServerSentEvent>.Continuation] = [:]
    }

    private var channels: [String: Channel] = [:]
    private var nextSubscriber = 0
    private let firstId: Int64
    private let keep: Int
    private var finished = false

    public init(startedAtMs: Int64, keep: Int = 1000) {
        firstId = startedAtMs &* 1000
        self.keep = keep
    }

    /// Sends one message to the station's subscribers and keeps it.
    public func publish(station: String, event: String, data: JSONValue) {
        var channel = channels[station] ?? Channel(nextId: firstId + 1)
        let message = ServerSentEvent(id: channel.nextId, event: event, data: data)
        channel.nextId += 1
        channel.recent.append(message)
        if channel.recent.count > keep { channel.recent.removeFirst() }
        for continuation in channel.subscribers.values { continuation.yield(message) }
        channels[station] = channel
    }

    /// A subscription: the messages after `lastEventId` when they are all still
    /// kept, else `snapshot` first (as `event: station`); then every new message.
    public func subscribe(station: String, lastEventId: String?, snapshot: JSONValue) -> AsyncStream<ServerSentEvent> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: ServerSentEvent.self, bufferingPolicy: .bufferingNewest(keep))
        var channel = channels[station] ?? Channel(nextId: firstId + 1)
        let last = lastEventId.flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) }
        let oldestKept = channel.recent.first?.id ?? channel.nextId
        if let last, last >= oldestKept - 1, last < channel.nextId {
            for message in channel.recent where message.id > last { continuation.yield(message) }
        } else {
            continuation.yield(ServerSentEvent(id: channel.nextId - 1, event: "station", data: snapshot))
        }
        if finished {
            continuation.finish()
            return stream
        }
        let id = nextSubscriber
        nextSubscriber += 1
        channel.subscribers[id] = continuation
        channels[station] = channel
        continuation.onTermination = { _ in Task { await self.unsubscribe(station: station, id: id) } }
        return stream
    }

    private func unsubscribe(station: String, id: Int) {
        channels[station]?.subscribers[id] = nil
    }

    /// Ends every stream: the daemon is stopping, and open streams would hold
    /// the HTTP server's graceful shutdown.
    public func finishAll() {
        finished = true
        for channel in channels.values { for continuation in channel.subscribers.values { continuation.finish() } }
        for key in channels.keys { channels[key]?.subscribers = [:] }
    }

    /// Keeps idle connections alive through proxies, and finds the dead ones.
    public func heartbeat() {
        for channel in channels.values {
            for continuation in channel.subscribers.values {
                continuation.yield(.keepAlive)
            }
        }
    }

    public var subscriberCount: Int { channels.values.reduce(0) { $0 + $1.subscribers.count } }
}
