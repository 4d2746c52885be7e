import Foundation
import PackAPI
import PackCore
import PackTestSupport
import PackTestRequirements
import Testing

/// docs/openapi.json and the routes packd serves describe each other.
@Suite(.offCooperativePool, .serialized)
struct OpenAPIDocumentTests {
    let dir = TempDirectory()

    static func documented() throws -> Set<String> {
        let data = try Data(contentsOf: Packd.repository.appendingPathComponent("docs/openapi.json"))
        let document = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        let paths = document["paths"] as! [String: [String: Any]]
        return Set(paths.flatMap { path, operations in operations.keys.map { "\($0.uppercased()) \(path)" } })
    }

    /// docs/core-openapi.json: what packd calls on the core, and every event type it sends.
    @Test func theCoreDocumentListsWhatPackdCallsAndEveryEventType() throws {
        let data = try Data(contentsOf: Packd.repository.appendingPathComponent("docs/core-openapi.json"))
        let document = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        let paths = document["paths"] as! [String: [String: Any]]
        let calls = Set(paths.flatMap { path, operations in operations.keys.map { "\($0.uppercased()) \(path)" } })
        #expect(calls == ["POST /v1/outbound-events", "GET /v1/orders"])
        let event = ((document["components"] as! [String: Any])["schemas"] as! [String: Any])["Event"] as! [String: Any]
        let types = ((event["properties"] as! [String: Any])["type"] as! [String: Any])["enum"] as! [String]
        #expect(Set(types) == Set(EventType.allCases.map(\.rawValue)))
    }

    @Test func theDocumentListsExactlyTheRoutes() throws {
        let served = Set(APIRoutes.table.map { "\($0.method) \($0.path)" })
        #expect(try Self.documented() == served)
    }

    @Test(.timeLimit(.minutes(1)))
    func everyDocumentedRouteIsServed() throws {
        let packd = try RunningPackd(dir: dir.path)
        for route in try Self.documented().sorted() {
            let parts = route.split(separator: " ")
            let path = String(parts[1]).replacingOccurrences(of: "{id}", with: "pack-01")
            if path.hasSuffix("/events") { continue }  // a stream: served, checked in DaemonAPITests
            let r = try HTTPClient.request(
                port: packd.port, method: String(parts[0]), path: path, token: packd.token,
                body: parts[0] == "POST" ? Array("{}".utf8) : nil)
            #expect(!r.text.contains("no route"), "\(route): \(r.status) \(r.text)")
            #expect(r.status != 405 && r.status != 500, "\(route): \(r.status) \(r.text)")
        }
        // A known path with another method: 405 and the methods it takes.
        let wrong = try HTTPClient.request(port: packd.port, method: "DELETE", path: "/v1/orders", token: packd.token)
        #expect(wrong.status == 405)
        #expect(wrong.header("allow") == "POST")
        #expect(wrong.header("content-type") == "application/problem+json")
        let nowhere = try HTTPClient.request(port: packd.port, method: "GET", path: "/v2/nothing", token: packd.token)
        #expect(nowhere.status == 404)
        #expect(packd.stop()?.status == 0)
    }
}
