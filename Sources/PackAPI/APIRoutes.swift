public import Hummingbird
import HTTPTypes
import PackCore

/// The routes of contracts.md section 5: each decodes the request, calls one
/// operation, and encodes its answer; every failure is problem+json.
public enum APIRoutes {
    /// Every route with its method, as docs/openapi.json lists them.
    public static let table: [(method: String, path: String)] = [
        ("POST", "/v1/orders"), ("GET", "/v1/orders/{id}"), ("POST", "/v1/print"), ("GET", "/v1/jobs/{id}"),
        ("POST", "/v1/stations/{id}/scans"), ("GET", "/v1/stations/{id}"), ("GET", "/v1/stations/{id}/events"),
        ("GET", "/v1/devices"), ("GET", "/v1/outbox"), ("POST", "/v1/outbox/retry"), ("POST", "/v1/outbox/drop"),
        ("GET", "/stations/{id}"), ("GET", "/healthz"), ("GET", "/metrics"),
    ]

    /// The methods a path takes (`{id}` matches one segment); empty for no route.
    public static func methods(for path: String) -> [String] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        return table.filter { route in
            let pattern = route.path.split(separator: "/", omittingEmptySubsequences: true)
            return pattern.count == segments.count
                && zip(pattern, segments).allSatisfy { $0.0 == "{id}" || $0.0 == $0.1 }
        }.map(\.method)
    }

    /// Small bodies: one scan, one print request without a document.
    static let smallBody = InputLimits.smallBodyBytes

    public static func router(
        operations: any PackOperations, token: String, displayToken: String? = nil, maxBodyBytes: Int
    ) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: ProblemMiddleware())
        router.add(middleware: BearerAuthMiddleware(token: token, displayToken: displayToken))
        router.get("/healthz") { _, _ in Response.json(["status": "ok"]) }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: await operations.metrics())))
        }
        router.post("/v1/orders") { request, _ in
            // A single order is named `order` in field errors, a list `orders[N]`.
            let body = try await JSONBody.read(request, limit: maxBodyBytes) { $0.orderFieldPath }
            return Response.json(try await operations.upsertOrders(body))
        }
        router.get("/v1/orders/{id}") { _, context in
            Response.json(try await operations.order(id: try context.parameters.require("id")))
        }
        router.post("/v1/print") { request, _ in
            let body = try await JSONBody.read(request, limit: maxBodyBytes)
            return Response.json(try await operations.print(body), status: .accepted)
        }
        router.get("/v1/jobs/{id}") { _, context in
            Response.json(try await operations.job(id: try context.parameters.require("id")))
        }
        router.post("/v1/stations/{id}/scans") { request, context in
            let body = try await JSONBody.read(request, limit: smallBody)
            return Response.json(try await operations.scan(station: try context.parameters.require("id"), body: body))
        }
        router.get("/v1/stations/{id}") { _, context in
            Response.json(try await operations.station(id: try context.parameters.require("id")))
        }
        router.get("/v1/stations/{id}/events") { request, context in
            let station = try context.parameters.require("id")
            let last = request.headers[HTTPField.Name("Last-Event-ID")!]
            let stream = try await operations.events(station: station, lastEventId: last)
            return Response(
                status: .ok,
                headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-cache"],
                body: ResponseBody { writer in
                    for await message in stream {
                        try await writer.write(ByteBuffer(string: message.wireText))
                    }
                    try await writer.finish(nil)
                })
        }
        router.get("/v1/devices") { _, _ in Response.json(try await operations.devices()) }
        // The station display: a page that reads the station's event stream.
        router.get("/stations/{id}") { request, context in
            let station = try context.parameters.require("id")
            // The page asks its own address for the station's state (what
            // GET /v1/stations/{id} answers), which the display token may read.
            if request.headers[.accept]?.contains("application/json") == true {
                return Response.json(try await operations.station(id: station))
            }
            let html = try await operations.displayPage(
                station: station, token: request.uri.queryParameters["token"].map(String.init))
            return Response(
                status: .ok,
                headers: [
                    .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                    // Nothing from elsewhere: the page is one document with its own style and script.
                    .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'; img-src data:",
                    HTTPField.Name("Referrer-Policy")!: "no-referrer",
                ],
                body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
        }
        router.get("/v1/outbox") { _, _ in Response.json(try await operations.outbox()) }
        router.post("/v1/outbox/retry") { request, _ in
            let body = try await JSONBody.read(request, limit: smallBody)
            return Response.json(try await operations.retryDeadLetters(body))
        }
        router.post("/v1/outbox/drop") { request, _ in
            let body = try await JSONBody.read(request, limit: smallBody)
            return Response.json(try await operations.dropDeadLetters(body))
        }
        return router
    }
}
