public import Hummingbird

/// Every route but the open ones needs the API token, as `Authorization: Bearer
/// <token>`. The station display (its page and its event stream) also takes the
/// read-only display token, and, because a kiosk browser and EventSource cannot
/// send headers, either token as `?token=` on those two routes only. Tokens are
/// compared in constant time so their bytes cannot be guessed from timings.
public struct BearerAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: [UInt8]
    let displayToken: [UInt8]?
    let open: Set<String>

    public init(token: String, displayToken: String? = nil, open: Set<String> = ["/healthz"]) {
        self.token = Array(token.utf8)
        self.displayToken = displayToken.map { Array($0.utf8) }
        self.open = open
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        if open.contains(path) { return try await next(request, context) }
        let display = request.method == .get && Self.isDisplayRoute(path)
        var presented: [UInt8]?
        if let header = request.headers[.authorization], header.hasPrefix("Bearer ") {
            presented = Array(header.utf8.dropFirst(7))
        } else if display, let query = request.uri.queryParameters["token"] {
            presented = Array(query.utf8)
        }
        if let presented {
            if Self.constantTimeEqual(presented, token) { return try await next(request, context) }
            if display, let displayToken, Self.constantTimeEqual(presented, displayToken) {
                return try await next(request, context)
            }
        }
        var response = APIProblem(
            status: 401, title: "Unauthorized",
            detail: display
                ? "open the station page with its display token: /stations/ID?token=<display token>"
                : "send the API token as \"Authorization: Bearer <token>\""
        ).response
        response.headers[.wwwAuthenticate] = "Bearer realm=\"packd\""
        return response
    }

    /// `/stations/{id}` and `/v1/stations/{id}/events`: what the station display reads.
    public static func isDisplayRoute(_ path: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count == 3, parts[1] == "stations", !parts[2].isEmpty { return true }
        return parts.count == 5 && parts[1] == "v1" && parts[2] == "stations" && !parts[3].isEmpty && parts[4] == "events"
    }

    /// Equal length and bytes, looking at every byte whatever it finds.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        for i in 0..<max(a.count, b.count) {
            let x = i < a.count ? a[i] : 0
            let y = i < b.count ? b[i] : 0xFF
            difference |= x ^ y
        }
        return difference == 0
    }
}
