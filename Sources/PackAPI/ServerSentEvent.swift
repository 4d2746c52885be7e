public import PackCore

/// One Server-Sent Events message: `id:`, `event:` and one `data:` line of JSON.
public struct ServerSentEvent: Sendable, Equatable {
    public var id: Int64
    public var event: String
    public var data: JSONValue

    public init(id: Int64, event: String, data: JSONValue) {
        self.id = id
        self.event = event
        self.data = data
    }

    /// A comment line that keeps an idle stream alive through proxies.
    public static let keepAlive = ServerSentEvent(id: -1, event: "", data: .null)

    /// The wire form. JSON serialisation escapes every line break, so the data
    /// is always one line.
    public var wireText: String {
        guard self != Self.keepAlive else { return ": keep-alive\n\n" }
        return "id: \(id)\nevent: \(event)\ndata: \(data.serialized())\n\n"
    }
}
