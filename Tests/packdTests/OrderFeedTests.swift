import Foundation
import Glibc
import PackStore
import PackTestSupport
import PackTestRequirements
import Testing

/// The pull feed (contracts.md section 7) from a real HTTP core: thousands of
/// orders in pages, updates arriving meanwhile, packd killed in the middle.
@Suite(.offCooperativePool, .serialized)
struct OrderFeedTests {
    let dir = TempDirectory()

    static func feedConfig(_ core: ReferenceCore) -> String {
        """
        [core]
        feed = "pull"
        url = "\(core.url)"
        feed_page_size = 500
        poll_interval_ms = 100
        backoff_base_ms = 50
        backoff_max_ms = 400
        """
    }

    static func order(_ packd: RunningPackd, _ id: String) throws -> [String: Any]? {
        let r = try packd.get("/v1/orders/\(id)")
        return r.status == 200 ? jsonObject(r) : nil
    }

    /// Polls until packd holds the order and `condition` holds for it.
    static func waitForOrder(
        _ packd: RunningPackd, _ id: String, seconds: Double = 60, _ condition: ([String: Any]) -> Bool = { _ in true }
    ) throws {
        try waitUntil("packd has \(id) as expected", seconds: seconds) {
            if let o = try order(packd, id) { return condition(o) }
            return false
        }
    }

    static func updated(_ range: ClosedRange<Int>, remark: String, status: String = "approved") -> String {
        // The generator's orders, with a remark: a new version of each.
        TestOrder.batch(TestOrder.numbered(range, status: status)).replacingOccurrences(of: #""status":"#, with: #""remark": "\#(remark)", "status":"#)
    }

    @Test(.timeLimit(.minutes(3)))
    func tenThousandOrdersArriveOnceAtTheirLatestVersionAcrossARestart() async throws {
        let file = dir.file("orders.json", TestOrder.batch(TestOrder.numbered(1...10_000)))
        let core = try ReferenceCore(dataDir: dir.sub("core"), orders: file)
        // Twenty pages of a tenth of a second each: packd is surely mid-pull below.
        try core.control("fault", #"{"mode": "ok", "pageSeconds": 0.1}"#)
        let packd = try RunningPackd(dir: dir.sub("packd"), config: Self.feedConfig(core))
        try Self.waitForOrder(packd, "SO-2000")
        // While packd pulls: new versions of orders it has (1-50) and of orders it
        // has not reached yet (9001-9050, which then come once, at the new version).
        try core.control("orders", Self.updated(1...50, remark: "v2"))
        try core.control("orders", Self.updated(9001...9050, remark: "v2"))
        // Killed mid-pull: the cursor is where the journal is, no further.
        packd.stop(SIGKILL)
        let killedAt = try SQLiteJournal(directory: packd.statePath)
        #expect(try await killedAt.order(id: "SO-10000") == nil, "the pull was over already")
        try packd.start()
        try Self.waitForOrder(packd, "SO-50") { $0["remark"] as? String == "v2" }
        try Self.waitForOrder(packd, "SO-9050") { $0["remark"] as? String == "v2" }
        for id in ["SO-1", "SO-50", "SO-5000", "SO-9001", "SO-9050", "SO-10000"] {
            let o = try #require(try Self.order(packd, id), "\(id)")
            let expected = ["SO-1", "SO-50"].contains(id) ? 2 : 1
            #expect(o["revision"] as? Int == expected, "\(id) taken \(o["revision"] ?? "?") times")
            #expect((o["remark"] as? String == "v2") == (id != "SO-5000" && id != "SO-10000"), "\(id)")
        }
        // A cancellation arriving by the feed intercepts the parcel being packed.
        #expect(try packd.scan("W-5000-1")["outcome"] as? String == "parcel_opened")
        try core.control("orders", TestOrder.batch(TestOrder.numbered(5000...5000, status: "cancelled")))
        try Self.waitForOrder(packd, "SO-5000") { $0["status"] as? String == "cancelled" }
        #expect(try packd.scan("SKU-5000-1")["outcome"] as? String == "intercepted")
        #expect(packd.stop()?.status == 0)
        let journal = try SQLiteJournal(directory: packd.statePath)
        let book = try await journal.loadBook()
        #expect(book.orderCount == 10_000)
        let refused = try await journal.inputDeadLetters()
        #expect(refused.isEmpty)
    }

    @Test(.timeLimit(.minutes(2)))
    func aBadOrderInAPageIsRefusedAloneWithItsPath() throws {
        let bad = #"{"orders": [{"id": "SO-BAD", "status": "approved", "lines": [{"sku": "X", "qty": 0}], "parcels": [{"id": "SO-BAD-1", "waybill": "WB", "lines": [{"sku": "X", "qty": 0}]}]}]}"#
        let core = try ReferenceCore(dataDir: dir.sub("core"), orders: dir.file("bad.json", bad))
        try core.control("orders", TestOrder.batch(TestOrder.numbered(1...3)))
        // An order whose waybill another order already has.
        try core.control("orders", #"{"orders": [{"id": "SO-CLASH", "status": "approved", "lines": [{"sku": "Y", "qty": 1}], "parcels": [{"id": "SO-CLASH-1", "waybill": "W-2-1", "lines": [{"sku": "Y", "qty": 1}]}]}]}"#)
        let packd = try RunningPackd(dir: dir.sub("packd"), config: Self.feedConfig(core))
        try Self.waitForOrder(packd, "SO-3")
        let outbox = try CoreDeliveryTests.waitForOutboxJSON(packd) { ($0["inputDeadLetters"] as? [Any])?.count == 2 }
        let refused = outbox["inputDeadLetters"] as? [[String: Any]] ?? []
        let byId = Dictionary(uniqueKeysWithValues: refused.map { ($0["orderId"] as? String ?? "?", $0) })
        #expect(byId["SO-BAD"]?["path"] as? String == "orders[0].lines[0].qty", "\(refused)")
        #expect(byId["SO-CLASH"]?["path"] as? String == "orders[4].parcels[0].waybill", "\(refused)")
        #expect((byId["SO-CLASH"]?["error"] as? String)?.contains("already belongs to order SO-2") == true, "\(refused)")
        #expect(try Self.order(packd, "SO-BAD") == nil)
        #expect(try Self.order(packd, "SO-CLASH") == nil)
        #expect(try Self.order(packd, "SO-1") != nil)
    }
}
