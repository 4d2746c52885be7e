import Foundation
import Glibc
import PackAPI
import PackTestRequirements
import PackTestSupport
import Testing

/// The station display page in a real browser (headless Chromium through the
/// DevTools protocol) against a running packd: scans through the API change the
/// page; each state is kept as a screenshot (in .build/test-artifacts/display, or
/// PACKD_ARTIFACTS); with PACKD_DISPLAY_DOCS=1 they also replace docs/display/.
@Suite(.offCooperativePool, .requires(Browser.available, "needs chromium"), .serialized)
struct StationDisplayTests {
    let dir = TempDirectory()

    static let orders = """
        {"orders": [
         {"id": "SO-1", "status": "approved", "approvedAt": "2026-11-22T08:00:00Z", "carrier": {"code": "YUNEXPRESS", "service": "YT-STANDARD"},
          "recipient": {"name": "王小明", "address1": "1 Market St", "city": "San Francisco", "country": "US"}, "remark": "gift wrap / 礼品包装",
          "lines": [{"sku": "RAZOR-01", "name": "剃须刀 Razor", "qty": 2, "barcodes": ["6901234567892"]},
                    {"sku": "CASE-01", "name": "收纳盒 Storage case", "qty": 1}],
          "parcels": [{"id": "SO-1-1", "waybill": "YT0001", "lines": [{"sku": "RAZOR-01", "qty": 2}, {"sku": "CASE-01", "qty": 1}]}]},
         {"id": "SO-2", "status": "cancelled", "approvedAt": "2026-11-22T08:00:00Z",
          "lines": [{"sku": "MUG-RED", "name": "红色马克杯 Red mug", "qty": 1}],
          "parcels": [{"id": "SO-2-1", "waybill": "YT0002", "lines": [{"sku": "MUG-RED", "qty": 1}]}]}
        ]}
        """

    /// What each language's screen must say.
    static let words: [String: [String: String]] = [
        "zh-CN": [
            "idle": "请扫描面单", "wrong": "不是这个包裹的商品", "intercepted": "拦截 — 不要发货", "completed": "包裹完成 — 可以发货",
            "ack": "扫描确认码继续", "reconnecting": "连接中断，正在重新连接", "shipped": "这个包裹已经发过货了",
            "ackFirst": "请先扫描确认码",
        ],
        "en": [
            "idle": "Scan a waybill", "wrong": "Not in this parcel", "intercepted": "Intercepted — do not ship",
            "completed": "Parcel complete — ship it", "ack": "Scan the acknowledge code to continue",
            "reconnecting": "Connection lost, reconnecting", "shipped": "This parcel has already shipped",
            "ackFirst": "Scan the acknowledge code first",
        ],
    ]

    static var artifacts: String {
        ProcessInfo.processInfo.environment["PACKD_ARTIFACTS"]
            ?? Packd.repository.appendingPathComponent(".build/test-artifacts").path
    }

    func shot(_ browser: Browser, _ language: String, _ name: String) throws {
        let path = "\(Self.artifacts)/display/\(language)/\(name).png"
        try browser.screenshot(path)
        if ProcessInfo.processInfo.environment["PACKD_DISPLAY_DOCS"] == "1", name.first?.isNumber == true {
            let docs = Packd.repository.appendingPathComponent("docs/display/\(language)-\(name).png").path
            try? FileManager.default.removeItem(atPath: docs)
            try FileManager.default.copyItem(atPath: path, toPath: docs)
        }
    }

    /// Whether the error screen is up (it covers the page).
    func overlayShown(_ browser: Browser) throws -> Bool {
        try browser.evaluate("getComputedStyle(document.getElementById('overlay')).display") as? String == "flex"
    }

    /// Elements whose box leaves the window, or text wider than its box: what a
    /// packer could not read. Empty when everything fits.
    func overflow(_ browser: Browser) throws -> [String] {
        let script = """
            (() => {
              const bad = [];
              if (document.documentElement.scrollWidth > innerWidth) bad.push('page wider than the window');
              for (const e of document.querySelectorAll('header *, #outcome *, #parcel *, #overlay.on *')) {
                const r = e.getBoundingClientRect();
                if (r.width === 0 || r.height === 0) continue;
                const name = (e.id || e.className || e.tagName) + ': ' + (e.textContent || '').slice(0, 30);
                if (r.left < -1 || r.right > innerWidth + 1) bad.push('outside the window: ' + name);
                if (getComputedStyle(e).overflowX === 'visible' && e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1) bad.push('text wider than its box: ' + name);
              }
              const overlay = document.getElementById('overlay');
              if (overlay.classList.contains('on') && overlay.scrollHeight > innerHeight + 1) bad.push('error screen taller than the window');
              if (document.querySelector('header').getBoundingClientRect().height > innerHeight / 4) bad.push('header takes over a quarter of the screen');
              return bad;
            })()
            """
        return try browser.evaluate(script) as? [String] ?? ["no answer"]
    }

    @Test(.timeLimit(.minutes(4)), arguments: ["zh-CN", "en"])
    func scansChangeTheScreenErrorsStayUntilAcknowledgedAndItReconnects(_ language: String) throws {
        let words = Self.words[language]!
        let port = try HTTPClient.freePort()
        let packd = try RunningPackd(
            dir: dir.sub("packd"), config: "[display]\nlanguage = \"\(language)\"\n", listen: "127.0.0.1:\(port)")
        #expect(try packd.post("/v1/orders", Self.orders).status == 200)
        let displayToken = try String(contentsOfFile: "\(packd.statePath)/display.token", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let browser = try Browser(profile: dir.sub("chromium"))
        try browser.navigate("http://127.0.0.1:\(port)/stations/pack-01?token=\(displayToken)")
        try browser.waitForText("the idle screen") { $0.contains(words["idle"]!) }
        try shot(browser, language, "01-idle")
        // Every tone the page plays, as frequencies and wave (the audio itself goes nowhere here).
        _ = try browser.evaluate(
            "window.__tones = []; const realTone = tone; tone = function (f, ms, type, v) { if (soundOn) __tones.push(f.join(',') + '/' + (type || 'sine')); return realTone(f, ms, type, v); }; true")

        _ = try packd.scan("YT0001")
        let opened = try browser.waitForText("the open parcel") { $0.contains("YT0001") && $0.contains("0 / 2") }
        #expect(opened.contains("YUNEXPRESS") && opened.contains("US") && opened.contains("gift wrap"), "\(opened)")
        #expect(opened.contains("剃须刀 Razor") && opened.contains("0 / 1"), "\(opened)")
        try shot(browser, language, "02-opened")
        _ = try packd.scan("6901234567892")
        try browser.waitForText("one razor counted") { $0.contains("1 / 2") }
        #expect(try browser.evaluate("document.querySelector('#progress div').style.width") as? String == "33.3333%")
        try shot(browser, language, "03-counted")

        // A wrong item: the error screen, in both languages, until acknowledged.
        _ = try packd.scan("MUG-RED")
        try browser.waitForText("the wrong item") { $0.contains(words["wrong"]!) }
        #expect(try overlayShown(browser))
        let wrong = try browser.text()
        #expect(wrong.contains("不是这个包裹的商品") && wrong.contains("Not in this parcel"), "\(wrong)")
        #expect(wrong.contains(words["ack"]!) && wrong.contains("PACKD:ACK"), "\(wrong)")
        try shot(browser, language, "04-wrong-item")
        #expect(try packd.scan("6901234567892")["outcome"] as? String == "ack_required")
        try browser.waitForText("the refused scan") { $0.contains(words["ackFirst"]!) }
        #expect(try overlayShown(browser), "the error must stay while scans are refused")
        _ = try packd.scan("PACKD:ACK")
        try waitUntil("the error screen goes once acknowledged", seconds: 10) { try !overlayShown(browser) }

        // The parcel completes: confirmed, and the screen is ready for the next.
        _ = try packd.scan("6901234567892")
        _ = try packd.scan("CASE-01")
        try browser.waitForText("the completed parcel") { $0.contains(words["completed"]!) && $0.contains(words["idle"]!) }
        try shot(browser, language, "05-completed")

        // An intercepted order fills the screen.
        _ = try packd.scan("YT0002")
        try browser.waitForText("the intercept screen") { $0.contains(words["intercepted"]!) }
        #expect(try browser.evaluate("document.getElementById('overlay').className") as? String == "on intercept")
        let covers = try browser.evaluate("(() => { const r = document.getElementById('overlay').getBoundingClientRect(); return r.width >= innerWidth && r.height >= innerHeight; })()")
        #expect(covers as? Bool == true)
        try shot(browser, language, "06-intercepted")
        for (viewport, name) in [("1366x768", "laptop"), ("800x1280", "tablet")] {
            browser.viewport = viewport
            #expect(try overflow(browser) == [], "intercept screen at \(name)")
        }
        browser.viewport = "1366x768"
        _ = try packd.scan("PACKD:ACK")

        // Distinct tones: progress, a completed parcel, an error, an interception.
        let tones = try browser.evaluate("__tones") as? [String] ?? []
        for expected in ["1046/sine", "660,880,1320/sine", "220/sawtooth", "880,440,880,440,880,440/square"] {
            #expect(tones.contains(expected), "\(expected) in \(tones)")
        }
        // Muted for this station in this browser: no tone, and remembered.
        #expect(try browser.evaluate("document.getElementById('sound').click(); localStorage.getItem('packd.sound.pack-01')") as? String == "off")
        let before = try browser.evaluate("__tones.length") as? Int
        _ = try packd.scan("UNKNOWN-CODE-1")
        try browser.waitForText("the unknown code") { $0.contains("UNKNOWN-CODE-1") }
        #expect(try browser.evaluate("__tones.length") as? Int == before)
        _ = try packd.scan("PACKD:ACK")
        #expect(try browser.evaluate("document.getElementById('sound').click(); localStorage.getItem('packd.sound.pack-01')") as? String == "on")

        // packd restarts: the page says it is reconnecting, then catches up by itself.
        #expect(packd.stop()?.status == 0)
        try browser.waitForText("the reconnecting banner") { $0.contains(words["reconnecting"]!) }
        try shot(browser, language, "07-reconnecting")
        try packd.start()
        _ = try packd.scan("YT0001")
        try browser.waitForText("an outcome after the restart") { $0.contains(words["shipped"]!) }
        #expect(try !browser.text().contains(words["reconnecting"]!))
        try shot(browser, language, "08-already-shipped")
    }

    @Test(.timeLimit(.minutes(2)))
    func theScreenFitsALaptopAndATabletWithLongNames() throws {
        let port = try HTTPClient.freePort()
        let packd = try RunningPackd(dir: dir.sub("packd"), config: "", listen: "127.0.0.1:\(port)")
        let long = String(repeating: "超长商品名称 Very long item name ", count: 12)
        let order = """
            {"id": "SO-LONG-\(String(repeating: "9", count: 60))", "status": "approved", "remark": "\(String(repeating: "请小心轻放 handle with care ", count: 20))",
             "carrier": {"code": "YUNEXPRESS", "service": "YT-STANDARD"}, "recipient": {"name": "x", "country": "DE"},
             "lines": [\((1...12).map { #"{"sku": "SKU-\#($0)-\#(String(repeating: "X", count: 40))", "name": "\#(long)", "qty": 3}"# }.joined(separator: ","))],
             "parcels": [{"id": "P-LONG", "waybill": "YT\(String(repeating: "1234567890", count: 6))",
               "lines": [\((1...12).map { #"{"sku": "SKU-\#($0)-\#(String(repeating: "X", count: 40))", "qty": 3}"# }.joined(separator: ","))]}]}
            """
        #expect(try packd.post("/v1/orders", order).status == 200)
        _ = try packd.scan("P-LONG")
        let token = try String(contentsOfFile: "\(packd.statePath)/display.token", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let browser = try Browser(profile: dir.sub("chromium"))
        for (viewport, name) in [("1366x768", "laptop"), ("800x1280", "tablet")] {
            browser.viewport = viewport
            try browser.navigate("http://127.0.0.1:\(port)/stations/pack-01?token=\(token)")
            try browser.waitForText("the long parcel") { $0.contains("P-LONG") }
            #expect(try overflow(browser) == [], "open parcel at \(name)")
            try shot(browser, "en", "fit-\(name)")
        }
    }
}

/// The API's routes as the OpenAPI test reads them.
enum APIRoutesUnderTest {
    static var all: [(String, String)] {
        (try? OpenAPIDocumentTests.documented())?.map { route in
            let parts = route.split(separator: " ")
            return (String(parts[0]), String(parts[1]))
        } ?? []
    }
}
