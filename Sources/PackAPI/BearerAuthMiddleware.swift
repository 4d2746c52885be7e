public import Hummingbird

/// Every route but the open ones needs `Authorization: Bearer <token>`; the token
/// is compared in constant time so its bytes cannot be guessed from timings.
public struct BearerAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: [UInt8]
    let open: Set<String>

    public init(token: String, open: Set<String> = ["/healthz"]) {
        self.token = Array(token.utf8)
        self.open = open
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if open.contains(request.uri.path) { return try await next(request, context) }
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "),
            Self.constantTimeEqual(Array(header.utf8.dropFirst(7)), token)
        else {
            var response = APIProblem(
                status: 401, title: "Unauthorized", detail: "send the API token as \"Authorization: Bearer <token>\""
            ).response
            response.headers[.wwwAuthenticate] = "Bearer realm=\"packd\""
            return response
        }
        return try await next(request, context)
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
