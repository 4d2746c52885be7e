import Foundation
import Glibc
import PackTestRequirements
import PackTestSupport
import Testing

/// Labels on approval in a fleet: an approved order posted to any packd prints
/// at the packd that owns the order's station, once per label revision across the
/// fleet, and not after a cancellation through yet another packd. Real parts: two
/// packd processes on one PostgreSQL 15, a private cupsd with a raw queue to a
/// socket printer that records bytes.
@Suite(.offCooperativePool, 
    .serialized,
    .requires(PrivatePostgres.available, "needs PostgreSQL 15 (postgresql-15)"),
    .requires(PrivateCups.available, "needs root and cupsd"))
struct FleetApprovalTests {
    let dir = TempDirectory()

    func order(_ id: String, waybill: String, status: String = "approved") -> String {
        TestOrder.labelled(id, waybill: waybill, station: "pack-02", status: status).json
    }

    @Test(.timeLimit(.minutes(4)))
    func anOrderPostedToOnePackdPrintsOnceAtThePackdThatOwnsItsStation() throws {
        guard let server = try PrivatePostgres.shared() else { return }
        let url = try server.createDatabase()
        let database = PrivatePostgres.database(of: url)
        let (cups, printer) = try PrivateCups.withRawQueue("zebra1")
        // pc-a has the printer and station pack-02 (on approval); pc-b has neither.
        let a = try RunningPackd(
            dir: dir.path + "/a",
            config: FleetDaemonTests.fleetConfig(url: url, node: "pc-a", stations: []) + cups.packdConfig()
                + "\n[stations.pack-02]\nlabel_policy = \"on_approval\"\n")
        let b = try RunningPackd(dir: dir.path + "/b", config: FleetDaemonTests.fleetConfig(url: url, node: "pc-b", stations: ["b1"]))
        defer {
            _ = a.stop()
            _ = b.stop()
        }
        let events = try a.events(station: "pack-02")
        func waybills(_ jobs: [[UInt8]]) -> [String] {
            jobs.map { job in
                let text = String(decoding: job, as: UTF8.self)
                return ["YTA1", "YTB1", "YTC1", "YTD1", "YTA2"].first { text.contains($0) } ?? "?"
            }
        }
        // Posted to pc-b, which has no printer: queued for pc-a's, and said so.
        let first = jsonObject(try b.post("/v1/orders", order("A", waybill: "YTA10000001")))
        let queued = try #require((first["labels"] as? [[String: Any]])?.first)
        #expect(queued["node"] as? String == "pc-a")
        #expect(queued["printer"] as? String == "label-01")
        #expect(queued["reason"] as? String == "approved")
        // The same approved order again, through either packd: no second label.
        for packd in [b, a, b] { #expect(try packd.post("/v1/orders", order("A", waybill: "YTA10000001")).status == 200) }
        #expect(try b.post("/v1/orders", order("B", waybill: "YTB10000001")).status == 200)
        let printed = try printer.waitForJobs(2, timeout: 60)
        #expect(waybills(printed) == ["YTA1", "YTB1"])
        let label = try Decoders.zplkit(printed[0], dpi: 203)
        let decoded = try Decoders.zbar(png: label.png)
        #expect(decoded.contains("YTA10000001"), "\(decoded)")
        // pc-a's station heard of the label queued for it by pc-b.
        let heard = try events.collect { $0.event == "label" && $0.data.contains("\"state\":\"queued\"") && $0.data.contains("\"order\":\"B\"") }
        #expect(heard.last?.data.contains("\"reason\":\"approved\"") == true, "\(heard.map(\.data))")
        #expect(heard.filter { $0.event == "label" && $0.data.contains("\"state\":\"queued\"") }.count == 2)
        // Cancelled through pc-b before its label printed (CUPS down meanwhile): it
        // never prints at pc-a. CUPS stops only once B's job is done there.
        // (b reads the label's state from the store.)
        try DaemonPrintTests.waitForLabel(b, order: "B", state: "completed")
        cups.stop()
        #expect(try b.post("/v1/orders", order("C", waybill: "YTC10000001")).status == 200)
        let cancelled = try b.post("/v1/orders", order("C", waybill: "YTC10000001", status: "cancelled"))
        #expect((jsonObject(cancelled)["cancelledLabels"] as? [Any])?.count == 1, "\(cancelled.text)")
        try cups.start()
        #expect(try b.post("/v1/orders", order("D", waybill: "YTD10000001")).status == 200)
        // A new waybill prints the new label once, with the reason recorded.
        #expect(try b.post("/v1/orders", order("A", waybill: "YTA20000002")).status == 200)
        #expect(try a.post("/v1/orders", order("A", waybill: "YTA20000002")).status == 200)
        let four = waybills(try printer.waitForJobs(4, timeout: 60))
        #expect(four == ["YTA1", "YTB1", "YTD1", "YTA2"], "\(a.log.suffix(6000))")
        let parcel = (jsonObject(try b.get("/v1/orders/A"))["parcels"] as! [[String: Any]])[0]
        #expect((parcel["labels"] as! [[String: Any]]).map { $0["reason"] as! String } == ["approved", "waybill changed from YTA10000001 to YTA20000002"])
        let c = (jsonObject(try b.get("/v1/orders/C"))["parcels"] as! [[String: Any]])[0]
        #expect((c["labels"] as! [[String: Any]]).map { $0["state"] as? String } == ["cancelled"])
        func sql(_ q: String) throws -> String { try server.psql(q, database: database).trimmingCharacters(in: .whitespacesAndNewlines) }
        // Every label is pc-a's, and the station's printer is on record for the fleet.
        #expect(try sql("SELECT string_agg(DISTINCT node, ',') FROM print_jobs") == "pc-a")
        #expect(try sql("SELECT node || ' ' || printer || ' ' || on_approval FROM station_printers WHERE station = 'pack-02'") == "pc-a label-01 true")
        #expect(try sql("SELECT node || ' ' || on_approval FROM station_printers WHERE station = 'b1'") == "pc-b false")
        // A fifth, after all that, proves nothing else was waiting to print.
        #expect(try b.post("/v1/orders", order("E", waybill: "YTE10000001")).status == 200)
        let all = try printer.waitForJobs(5, timeout: 60)
        #expect(String(decoding: all[4], as: UTF8.self).contains("YTE1"))
        #expect(try printer.jobsOnceQuiet().count == 5, "a label printed twice")
        #expect(a.stop()?.status == 0, "\(a.log.suffix(4000))")
    }
}
