public import PackCore

/// What the HTTP routes ask of the daemon. Routes decode the request, call one
/// of these, and encode the answer; the daemon implements them.
public protocol PackOperations: Sendable {
    /// `POST /v1/orders`: one order or `{"orders": [...]}`, all or nothing.
    func upsertOrders(_ body: JSONValue) async throws(APIProblem) -> JSONValue
    func order(id: String) async throws(APIProblem) -> JSONValue
    /// `POST /v1/print`: answers the queued job.
    func print(_ body: JSONValue) async throws(APIProblem) -> JSONValue
    func job(id: String) async throws(APIProblem) -> JSONValue
    /// `POST /v1/stations/{id}/scans`: answers once the decision is durable where
    /// it has consequences.
    func scan(station: String, body: JSONValue) async throws(APIProblem) -> JSONValue
    func station(id: String) async throws(APIProblem) -> JSONValue
    /// The station's server-sent events from `lastEventId` on (or its state first).
    func events(station: String, lastEventId: String?) async throws(APIProblem) -> AsyncStream<ServerSentEvent>
    func devices() async throws(APIProblem) -> JSONValue
    /// Prometheus text format.
    func metrics() async -> String
    /// `GET /stations/{id}`: the station display page (HTML), with the token it was opened with.
    func displayPage(station: String, token: String?) async throws(APIProblem) -> String
    /// `GET /v1/outbox`: counts by state, dead letters, refused inputs.
    func outbox() async throws(APIProblem) -> JSONValue
    /// `POST /v1/outbox/retry`: `{"ids": [...]}` (absent: every dead letter) sent again.
    func retryDeadLetters(_ body: JSONValue) async throws(APIProblem) -> JSONValue
    /// `POST /v1/outbox/drop`: `{"ids": [...], "reason": "..."}` let go.
    func dropDeadLetters(_ body: JSONValue) async throws(APIProblem) -> JSONValue
}
