import Foundation
import Glibc
import PackAPI
import PackTestRequirements
import PackTestSupport
import Testing

/// The station display page as packd serves it, without a browser: the page
/// built in, its configuration, and who may open it (StationDisplayTests
/// drives it in Chromium).
@Suite(.offCooperativePool) struct StationPageTests {
    let dir = TempDirectory()

    @Test("The page built into packd is display/station.html")
    func theEmbeddedPageIsTheFile() throws {
        let file = try String(contentsOf: Packd.repository.appendingPathComponent("display/station.html"), encoding: .utf8)
        #expect(StationPage.template + "\n" == file || StationPage.template == file)
    }

    @Test func valuesCannotLeaveThePagesScript() {
        let html = StationPage.html(.init(station: "</script><script>alert(1)</script>", token: "a&b<!--", language: nil, codes: .init()))
        #expect(!html.contains("</script><script>alert(1)"))
        #expect(html.contains("\\u003c/script\\u003e"))
    }

    /// The printable sheet's control codes scan as the codes the station acts on.
    @Test(.timeLimit(.minutes(1)))
    func theControlCodeSheetScans() throws {
        let packd = try RunningPackd(dir: dir.path)
        let page = try HTTPClient.request(port: packd.port, method: "GET", path: "/stations/pack-01", token: packd.token).text
        let start = try #require(page.range(of: #"<script id="packd-config" type="application/json">"#))
        let end = try #require(page.range(of: "</script>", range: start.upperBound..<page.endIndex))
        let config = try #require(try JSONSerialization.jsonObject(with: Data(page[start.upperBound..<end.lowerBound].utf8)) as? [String: Any])
        let barcodes = try #require(config["barcodes"] as? [String: String])
        #expect(Set(barcodes.keys) == ["PACKD:ACK", "PACKD:CANCEL", "PACKD:REPRINT"])
        for (code, uri) in barcodes {
            let png = try #require(Data(base64Encoded: String(uri.dropFirst("data:image/png;base64,".count))))
            #expect(try Decoders.zbar(png: Array(png)).contains(code), "\(code)")
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func theDisplayTokenOpensThePageAndItsStreamAndNothingElse() throws {
        let packd = try RunningPackd(dir: dir.path)
        let display = try String(contentsOfFile: "\(packd.statePath)/display.token", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        var info = stat()
        stat("\(packd.statePath)/display.token", &info)
        #expect(info.st_mode & 0o777 == 0o600)
        #expect(display.count == 64 && display != packd.token)
        func get(_ path: String, bearer: String? = nil) throws -> HTTPClient.Response {
            try HTTPClient.request(port: packd.port, method: "GET", path: path, token: bearer)
        }
        let page = try get("/stations/pack-01?token=\(display)")
        #expect(page.status == 200)
        #expect(page.header("content-type") == "text/html; charset=utf-8")
        #expect(page.text.contains("<title>packd</title>"))
        #expect(try get("/stations/pack-01?token=\(packd.token)").status == 200, "the API token opens it too")
        let state = try HTTPClient.request(
            port: packd.port, method: "GET", path: "/stations/pack-01?token=\(display)", headers: ["Accept": "application/json"])
        #expect(state.status == 200 && jsonObject(state)["id"] as? String == "pack-01", "\(state.text)")
        #expect(try get("/stations/pack-01", bearer: display).status == 200)
        let nearMiss = String(display.dropLast()) + (display.hasSuffix("0") ? "1" : "0")
        for wrong in ["", "wrong", nearMiss, display + "0"] {
            #expect(try get("/stations/pack-01?token=\(wrong)").status == 401)
            #expect(try get("/v1/stations/pack-01/events?token=\(wrong)").status == 401)
        }
        #expect(try get("/stations/pack-01").status == 401)
        #expect(try get("/stations/nowhere?token=\(display)").status == 404)
        // The stream takes it (first message: the station's state).
        let stream = try SSEClient(port: packd.port, path: "/v1/stations/pack-01/events?token=\(display)", token: nil)
        #expect(try stream.next().event == "station")
        // No other route does, by header or by query.
        for (method, path) in APIRoutesUnderTest.all where !path.hasPrefix("/stations/") && !path.hasSuffix("/events") && path != "/healthz" {
            let concrete = path.replacingOccurrences(of: "{id}", with: "pack-01")
            let body: [UInt8]? = method == "POST" ? Array("{}".utf8) : nil
            let byHeader = try HTTPClient.request(port: packd.port, method: method, path: concrete, token: display, body: body)
            #expect(byHeader.status == 401, "\(method) \(path) with the display token: \(byHeader.status)")
            let byQuery = try HTTPClient.request(port: packd.port, method: method, path: concrete + "?token=\(display)", body: body)
            #expect(byQuery.status == 401, "\(method) \(path) with ?token=: \(byQuery.status)")
        }
        // A station id that would break out of the page's script is only data.
        let odd = try get("/stations/%3C%2Fscript%3E?token=\(display)")
        #expect(odd.status == 404)
    }
}
