import Foundation
import Glibc
import PackTestRequirements
import PackTestSupport
import Testing

/// The whole station with real parts: `packd run`, a pty as the serial scanner,
/// a private cupsd with a raw queue to a socket printer that records bytes, and
/// HTTP over loopback.
@Suite(.offCooperativePool, .requires(PrivateCups.available, "needs root and cupsd"), .serialized)
struct DaemonPrintTests {
    let dir = TempDirectory()

    /// label-01 on the private cupsd; pack-01 prints on completion, pack-02 on approval.
    func config(cups: PrivateCups, scanner: String?) -> String {
        cups.packdConfig(scanner: scanner) + """

            [stations.pack-01]
            label_policy = "on_complete"

            [stations.pack-02]
            label_policy = "on_approval"

            """
    }

    /// A private cupsd with queue zebra1 to a socket printer, and packd on it (`config`).
    func station() throws -> (cups: PrivateCups, printer: SocketPrinter, packd: RunningPackd) {
        let (cups, printer) = try PrivateCups.withRawQueue("zebra1")
        return (cups, printer, try RunningPackd(dir: dir.path, config: config(cups: cups, scanner: nil)))
    }

    /// Waits until the order's label (on approval) is in `state`.
    static func waitForLabel(_ packd: RunningPackd, order: String, state: String) throws {
        try waitUntil("the label of \(order) becomes \(state)", seconds: 30) {
            let parcels = jsonObject(try packd.get("/v1/orders/\(order)"))["parcels"] as? [[String: Any]] ?? []
            let labels = parcels.first?["labels"] as? [[String: Any]] ?? []
            return labels.last?["state"] as? String == state
        }
    }

    /// `GET /v1/jobs/{id}`'s state once it is `wanted`, or the last one seen after 30 s.
    func jobState(_ packd: RunningPackd, _ job: String, becomes wanted: String) throws -> String {
        var state = ""
        try? waitUntil("job \(job) becomes \(wanted)", seconds: 30) {
            state = jsonObject(try packd.get("/v1/jobs/\(job)"))["state"] as? String ?? ""
            return state == wanted
        }
        return state
    }

    /// Waits on the stream for an outcome of `code`.
    func outcome(_ events: SSEClient, _ code: String) throws -> String {
        let m = try events.collect { $0.event == "outcome" && $0.data.contains("\"code\":\"\(code)\"") }.last!
        let json = try JSONSerialization.jsonObject(with: Data(m.data.utf8)) as! [String: Any]
        return json["outcome"] as! String
    }

    @Test(.timeLimit(.minutes(3)))
    func aParcelScannedOnASerialScannerShipsAndItsLabelReachesThePrinter() throws {
        let (cups, printer) = try PrivateCups.withRawQueue("zebra1")
        let pty = try PseudoTerminal()
        let packd = try RunningPackd(dir: dir.path, config: config(cups: cups, scanner: pty.slavePath))
        #expect(try packd.post("/v1/orders", TestOrder.labelled("SO-7", waybill: "YT7000000001", qty: 2).json).status == 200)
        let events = try packd.events()
        // The scanner is read once the reader has opened the pty.
        try packd.waitForScanner()
        // The label shows the print time to the minute: one rendered ahead in
        // another minute than it prints is rendered again (PreparedLabelsTests).
        // This parcel is packed within one minute, so the render ahead is used.
        let second = Date().timeIntervalSince1970.truncatingRemainder(dividingBy: 60)
        if second > 45 { usleep(useconds_t((60.5 - second) * 1_000_000)) }
        pty.send("YT7000000001\r\n")
        #expect(try outcome(events, "YT7000000001") == "parcel_opened")
        pty.send("6901234567892\r\n")
        #expect(try outcome(events, "6901234567892") == "item_verified")
        pty.send("RAZOR-01\r\n")
        #expect(try outcome(events, "RAZOR-01") == "parcel_completed")
        let label = try printer.nextJob(timeout: 60).bytes
        let rendering = try Decoders.zplkit(label, dpi: 203)
        #expect(rendering.labelCount == 1)
        #expect(try Decoders.zbar(png: rendering.png).contains("YT7000000001"))
        let printed = try events.collect { $0.event == "label" && $0.data.contains("\"state\":\"printed\"") }
        #expect(printed.last?.data.contains("SO-7") == true)
        // The label queued by the scan and the one printed are the same job.
        let queued = printed.first { $0.event == "label" && $0.data.contains("\"state\":\"queued\"") }
        let job = try #require(queued.flatMap { try? JSONSerialization.jsonObject(with: Data($0.data.utf8)) as? [String: Any] }?["job"] as? String)
        #expect(printed.last?.data.contains(job) == true)
        let parcel = (jsonObject(try packd.get("/v1/orders/SO-7"))["parcels"] as! [[String: Any]])[0]
        #expect(parcel["state"] as? String == "shipped")
        let stock = try Packd.run(["stock", "--json", "--state", packd.statePath])
        #expect(stock.stdout.contains(#""sku":"RAZOR-01","quantity":-2"#), "\(stock.stdout)")
        let devices = jsonObject(try packd.get("/v1/devices"))
        let scanners = devices["scanners"] as! [[String: Any]]
        #expect(scanners.first?["station"] as? String == "pack-01")
        #expect(scanners.first?["state"] as? String == "reading")
        let metrics = try packd.get("/metrics").text
        #expect(metrics.contains(#"packd_scans_total{outcome="parcel_completed"} 1"#))
        #expect(metrics.contains("packd_print_job_seconds_count"))
        // Rendered while the items were scanned, and that render was printed.
        let rendered = metrics.split(separator: "\n").filter { $0.hasPrefix("packd_labels_rendered_total{") }
        #expect(rendered.count == 1 && rendered[0].contains(#"when="ahead""#) && rendered[0].hasSuffix(" 1"), "\(rendered)")
        let stopped = packd.stop()
        #expect(stopped?.status == 0, "\(packd.log.suffix(4000))")
    }

    @Test(.timeLimit(.minutes(3)))
    func anApprovedOrderPrintsOncePerLabelRevisionAndNotAfterItIsCancelled() throws {
        let (cups, printer, packd) = try station()
        func waybills(_ jobs: [[UInt8]]) -> [String] {
            jobs.map { job in
                let text = String(decoding: job, as: UTF8.self)
                return ["YTA1", "YTB1", "YTC1", "YTD1", "YTA2"].first { text.contains($0) } ?? "?"
            }
        }
        // The same approved order three times: one label. B after it proves no second one waits.
        for _ in 0..<3 { #expect(try packd.post("/v1/orders", TestOrder.labelled("A", waybill: "YTA1", station: "pack-02").json).status == 200) }
        #expect(try packd.post("/v1/orders", TestOrder.labelled("B", waybill: "YTB1", station: "pack-02").json).status == 200)
        #expect(waybills(try printer.waitForJobs(2, timeout: 60)) == ["YTA1", "YTB1"])
        // Cancelled before its label printed (CUPS down meanwhile): it never prints.
        // CUPS is stopped only once B's job is done there: one stopped mid-job
        // can come back with the job stuck (see PrintWorker.abandonStuck).
        try Self.waitForLabel(packd, order: "B", state: "completed")
        cups.stop()
        #expect(try packd.post("/v1/orders", TestOrder.labelled("C", waybill: "YTC1", station: "pack-02").json).status == 200)
        let cancelled = try packd.post("/v1/orders", TestOrder.labelled("C", waybill: "YTC1", station: "pack-02", status: "cancelled").json)
        #expect((jsonObject(cancelled)["cancelledLabels"] as? [Any])?.count == 1, "\(cancelled.text)")
        try cups.start()
        #expect(try packd.post("/v1/orders", TestOrder.labelled("D", waybill: "YTD1", station: "pack-02").json).status == 200)
        // A new waybill prints the new label once, with the reason recorded.
        #expect(try packd.post("/v1/orders", TestOrder.labelled("A", waybill: "YTA2", station: "pack-02").json).status == 200)
        #expect(try packd.post("/v1/orders", TestOrder.labelled("A", waybill: "YTA2", station: "pack-02").json).status == 200)
        #expect(waybills(try printer.waitForJobs(4, timeout: 60)) == ["YTA1", "YTB1", "YTD1", "YTA2"])
        let a = (jsonObject(try packd.get("/v1/orders/A"))["parcels"] as! [[String: Any]])[0]
        let reasons = (a["labels"] as! [[String: Any]]).map { $0["reason"] as! String }
        #expect(reasons == ["approved", "waybill changed from YTA1 to YTA2"])
        let c = (jsonObject(try packd.get("/v1/orders/C"))["parcels"] as! [[String: Any]])[0]
        #expect((c["labels"] as! [[String: Any]]).map { $0["state"] as? String } == ["cancelled"])
        // Completing an on_approval parcel at the station prints nothing more.
        #expect(try packd.scan("YTB1", station: "pack-02")["outcome"] as? String == "parcel_opened")
        #expect(try packd.scan("RAZOR-01", station: "pack-02")["outcome"] as? String == "parcel_completed")
        #expect(try packd.post("/v1/orders", TestOrder.labelled("E", waybill: "YTE1", station: "pack-02").json).status == 200)
        let all = try printer.waitForJobs(5, timeout: 60)
        #expect(String(decoding: all[4], as: UTF8.self).contains("YTE1"))
        #expect(try printer.jobsOnceQuiet().count == 5, "a label printed twice")
        let stopped = packd.stop()
        #expect(stopped?.status == 0, "\(packd.log.suffix(4000))")
    }

    /// contracts.md section 6: a label whose order is cancelled, refunded or held, or
    /// whose waybill is replaced, does not print wherever it waits: here the first
    /// of each waits in a stopped CUPS queue (as CUPS stops one out of paper), and
    /// only the label still valid comes out when the queue resumes.
    @Test(.timeLimit(.minutes(3)))
    func aLabelWaitingInAStoppedCupsQueueIsCancelledThereWhenItsOrderIs() throws {
        let (cups, printer) = try PrivateCups.withRawQueue("zebra1")
        try cups.command("/usr/sbin/cupsdisable", ["zebra1"])
        let packd = try RunningPackd(dir: dir.path, config: config(cups: cups, scanner: nil))
        func cupsJob(_ order: String) throws -> Int {
            try Self.waitForLabel(packd, order: order, state: "sent")
            let parcels = jsonObject(try packd.get("/v1/orders/\(order)"))["parcels"] as? [[String: Any]] ?? []
            let job = try #require((parcels.first?["labels"] as? [[String: Any]])?.last?["job"] as? String)
            return try #require(jsonObject(try packd.get("/v1/jobs/\(job)"))["cupsJob"] as? Int, "job \(job) has no CUPS id")
        }
        var takenBack: [Int] = []
        for (id, status) in [("C", "cancelled"), ("R", "refunded"), ("H", "on_hold")] {
            #expect(try packd.post("/v1/orders", TestOrder.labelled(id, waybill: "YT\(id)1", station: "pack-02").json).status == 200)
            let job = try cupsJob(id)
            if id == "C" {
                // A job waiting in a stopped queue is asked about with a backoff (50 ms
                // doubling to 1 s, about 1.6 s), its printer at most once a second:
                // count what packd asks in 4 s after the backoff's first 2 s.
                usleep(2_000_000)  // measuring windows, not waits for anything
                let before = cups.operations.count
                let start = Date()
                usleep(4_000_000)
                let asked = cups.operations.dropFirst(before)
                let seconds = Date().timeIntervalSince(start)
                let jobLooks = asked.filter { $0 == "Get-Job-Attributes" }.count
                let printerLooks = asked.filter { $0 == "Get-Printer-Attributes" }.count
                #expect(Double(jobLooks) <= seconds + 2, "\(jobLooks) job looks in \(seconds) s: \(asked)")
                #expect(Double(printerLooks) <= seconds + 2, "\(printerLooks) printer looks in \(seconds) s: \(asked)")
            }
            let voided = try packd.post("/v1/orders", TestOrder.labelled(id, waybill: "YT\(id)1", station: "pack-02", status: status).json)
            #expect((jsonObject(voided)["cancelledLabels"] as? [Any])?.count == 1, "\(voided.text)")
            #expect(try cups.waitForFinalState(printer: "zebra1", job: job).state == .canceled, "\(id): CUPS job \(job)")
            takenBack.append(job)
        }
        // A new waybill: the old label is taken back from CUPS, the new one waits there.
        #expect(try packd.post("/v1/orders", TestOrder.labelled("W", waybill: "YTW1", station: "pack-02").json).status == 200)
        let old = try cupsJob("W")
        #expect(try packd.post("/v1/orders", TestOrder.labelled("W", waybill: "YTW2", station: "pack-02").json).status == 200)
        #expect(try cups.waitForFinalState(printer: "zebra1", job: old).state == .canceled)
        let new = try cupsJob("W")
        #expect(new != old)
        // An order naming a station this packd does not run prints at its own PC, not here.
        let elsewhere = try packd.post("/v1/orders", TestOrder.labelled("X", waybill: "YTX1", station: "pack-77").json)
        #expect(elsewhere.status == 200)
        #expect((jsonObject(elsewhere)["labels"] as? [Any])?.count ?? 0 == 0, "\(elsewhere.text)")
        try cups.command("/usr/sbin/cupsenable", ["zebra1"])
        // Then one more label: CUPS prints in order, so anything cancelled here that
        // CUPS still held would come out before it.
        #expect(try packd.post("/v1/orders", TestOrder.labelled("D", waybill: "YTD1", station: "pack-02").json).status == 200)
        let printed = try printer.waitForJobs(2, timeout: 60).map { String(decoding: $0, as: UTF8.self) }
        try Self.waitForLabel(packd, order: "D", state: "completed")
        #expect(printed.count == 2 && printed[0].contains("YTW2") && printed[1].contains("YTD1"), "\(printed.map { $0.prefix(80) })")
        #expect(try printer.jobsOnceQuiet().count == 2, "a cancelled label came out after all")
        for id in ["C", "R", "H"] {
            let parcel = (jsonObject(try packd.get("/v1/orders/\(id)"))["parcels"] as! [[String: Any]])[0]
            #expect((parcel["labels"] as! [[String: Any]]).map { $0["state"] as? String } == ["cancelled"], "\(id)")
        }
        let w = (jsonObject(try packd.get("/v1/orders/W"))["parcels"] as! [[String: Any]])[0]
        #expect((w["labels"] as! [[String: Any]]).map { $0["state"] as? String } == ["cancelled", "completed"])
        #expect(try packd.get("/v1/orders/X").status == 200)
        let x = (jsonObject(try packd.get("/v1/orders/X"))["parcels"] as! [[String: Any]])[0]
        #expect((x["labels"] as? [Any] ?? []).isEmpty)
        #expect(takenBack.count == 3)
        // Cancelled while packd is stopped (`packd orders import` on its journal):
        // the label waiting in CUPS is taken back when packd starts again.
        try cups.command("/usr/sbin/cupsdisable", ["zebra1"])
        #expect(try packd.post("/v1/orders", TestOrder.labelled("K", waybill: "YTK1", station: "pack-02").json).status == 200)
        let waiting = try cupsJob("K")
        #expect(packd.stop()?.status == 0, "\(packd.log.suffix(4000))")
        let file = dir.file("k.json", "[\(TestOrder.labelled("K", waybill: "YTK1", station: "pack-02", status: "cancelled").json)]")
        let imported = try Packd.run(["orders", "import", file, "--config", packd.configPath])
        #expect(imported.status == 0, "\(imported.stderr)")
        try packd.start()
        #expect(try cups.waitForFinalState(printer: "zebra1", job: waiting).state == .canceled)
        try cups.command("/usr/sbin/cupsenable", ["zebra1"])
        #expect(try packd.post("/v1/orders", TestOrder.labelled("E", waybill: "YTE1", station: "pack-02").json).status == 200)
        let last = try printer.waitForJobs(3, timeout: 60).map { String(decoding: $0, as: UTF8.self) }
        #expect(last.count == 3 && last[2].contains("YTE1"), "\(last.map { $0.prefix(80) })")
        #expect(packd.stop()?.status == 0, "\(packd.log.suffix(4000))")
    }

    /// `packd orders import` beside a running packd goes through it: the orders
    /// scan at once and print on approval, without a restart; a second `packd run`
    /// on the same state directory is refused.
    @Test(.timeLimit(.minutes(3)))
    func ordersImportedBesideARunningPackdScanAndPrintAtOnce() throws {
        let (cups, printer, packd) = try station()
        defer { withExtendedLifetime(cups) {} }  // cupsd lives as long as the test
        let file = dir.file(
            "orders.json",
            "[\(TestOrder.labelled("I1", waybill: "YTI1", station: "pack-02").json), \(TestOrder.labelled("I2", waybill: "YTI2", station: "pack-01").json)]")
        let imported = try Packd.run(["orders", "import", file, "--config", packd.configPath])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("2 new") && imported.stdout.contains("through the running packd"), "\(imported.stdout)")
        // Known to the running daemon at once: it scans, and pack-02's label prints.
        #expect(try packd.scan("YTI2")["outcome"] as? String == "parcel_opened")
        #expect(String(decoding: try printer.nextJob(timeout: 30).bytes, as: UTF8.self).contains("YTI1"))
        // Bad input through the daemon is refused whole, with the daemon's words.
        let bad = dir.file("bad.json", #"[{"id": "I3", "status": "approved", "waybill": "YTI1", "lines": [{"sku": "X", "qty": 1}]}]"#)
        let refused = try Packd.run(["orders", "import", bad, "--config", packd.configPath])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("YTI1"), "\(refused.stderr)")
        // One packd per state directory.
        let second = try Packd.run(["run", "--config", packd.configPath], timeout: 30)
        #expect(second.status == 2, "\(second.stderr)")
        #expect(second.stderr.contains("another packd runs on this state directory (pid \(packd.pid!))"), "\(second.stderr)")
        #expect(packd.stop()?.status == 0, "\(packd.log.suffix(4000))")
    }

    /// CPU time (clock ticks) and nice value of each of the process's threads, by name.
    static func threads(of pid: pid_t) -> [(name: String, ticks: Int, nice: Int)] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return tasks.compactMap { tid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/task/\(tid)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return nil }
            let name = String(stat[stat.index(after: stat.firstIndex(of: "(")!)..<close])
            // After "pid (comm) ": state is field 3; utime 14, stime 15, nice 19.
            let fields = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
            guard fields.count > 16, let user = Int(fields[11]), let system = Int(fields[12]), let nice = Int(fields[16]) else { return nil }
            return (name, user + system, nice)
        }
    }

    /// A carrier's PDF label (the 8 MiB the order allows, one page of noise to
    /// rasterise) is read and rendered on packd's own render threads, at nice 10:
    /// not on the cooperative threads every station's scans use.
    @Test(.timeLimit(.minutes(3)))
    func aCarrierPDFRendersOnTheRenderThreadsNotTheScansOnes() throws {
        let (cups, printer, packd) = try station()
        defer { withExtendedLifetime(cups) {} }  // cupsd lives as long as the test
        let pdf = Data(LargePDF.make(bytes: 8_000_000)).base64EncodedString()
        let order = #"{"id": "PDF1", "status": "approved", "waybill": "YTPDF1", "lines": [{"sku": "X", "qty": 1}], "parcels": [{"id": "PDF1-1", "waybill": "YTPDF1", "lines": [{"sku": "X", "qty": 1}], "label": {"document": {"format": "pdf", "base64": "\#(pdf)"}}}]}"#
        #expect(try packd.post("/v1/orders", order).status == 200)
        let pid = try #require(packd.pid)
        let before = Self.threads(of: pid)
        #expect(try packd.post("/v1/print", #"{"printer": "label-01", "order": "PDF1"}"#).status == 202)
        let label = try printer.nextJob(timeout: 60).bytes
        #expect(String(decoding: label.prefix(64), as: UTF8.self).contains("^XA"))
        let after = Self.threads(of: pid)
        func ticks(_ list: [(name: String, ticks: Int, nice: Int)], _ render: Bool) -> Int {
            list.filter { $0.name.hasPrefix("packd-render") == render }.reduce(0) { $0 + $1.ticks }
        }
        let render = ticks(after, true) - ticks(before, true)
        let others = ticks(after, false) - ticks(before, false)
        #expect(after.filter { $0.name.hasPrefix("packd-render") }.allSatisfy { $0.nice == 10 }, "\(after)")
        #expect(render >= 5 && render > others, "render threads \(render) ticks, the others \(others): \(after)")
        #expect(packd.stop()?.status == 0)
    }

    /// Orders pulled from the core's feed print on approval exactly like pushed ones.
    @Test(.timeLimit(.minutes(3)))
    func anApprovalArrivingByTheFeedPrintsOncePerLabelRevision() throws {
        let (cups, printer) = try PrivateCups.withRawQueue("zebra1")
        let core = try ReferenceCore(dataDir: dir.sub("core"))
        try core.control("orders", "{\"orders\": [\(TestOrder.labelled("A", waybill: "YTA1", station: "pack-02").json)]}")
        let feed = "\n[core]\nfeed = \"pull\"\nurl = \"\(core.url)\"\npoll_interval_ms = 100\n"
        let packd = try RunningPackd(dir: dir.sub("packd"), config: config(cups: cups, scanner: nil) + feed)
        func text(_ job: [UInt8]) -> String { String(decoding: job, as: UTF8.self) }
        #expect(text(try printer.nextJob(timeout: 60).bytes).contains("YTA1"))
        // The same version again, then another order: only the other order prints.
        try core.control("orders", "{\"orders\": [\(TestOrder.labelled("A", waybill: "YTA1", station: "pack-02").json)]}")
        try core.control("orders", "{\"orders\": [\(TestOrder.labelled("B", waybill: "YTB1", station: "pack-02").json)]}")
        #expect(text(try printer.nextJob(timeout: 60).bytes).contains("YTB1"))
        // A new waybill by the feed: the new label, once, with the reason.
        try core.control("orders", "{\"orders\": [\(TestOrder.labelled("A", waybill: "YTA2", station: "pack-02").json)]}")
        #expect(text(try printer.nextJob(timeout: 60).bytes).contains("YTA2"))
        try Self.waitForLabel(packd, order: "A", state: "completed")
        let a = (jsonObject(try packd.get("/v1/orders/A"))["parcels"] as! [[String: Any]])[0]
        #expect((a["labels"] as! [[String: Any]]).map { $0["reason"] as! String } == ["approved", "waybill changed from YTA1 to YTA2"])
        #expect(try printer.jobsOnceQuiet().count == 3, "a label printed twice")
        #expect(packd.stop()?.status == 0)
    }

    @Test(.timeLimit(.minutes(3)))
    func printAndJobRoutesQueueALabelAndFollowIt() throws {
        let (cups, printer, packd) = try station()
        defer { withExtendedLifetime(cups) {} }  // cupsd lives as long as the test
        #expect(try packd.post("/v1/orders", TestOrder.labelled("P", waybill: "YTP1").json).status == 200)
        let queued = try packd.post("/v1/print", #"{"printer": "label-01", "order": "P"}"#)
        #expect(queued.status == 202, "\(queued.text)")
        let job = jsonObject(queued)["job"] as! String
        #expect(jsonObject(queued)["state"] as? String == "queued")
        #expect(String(decoding: try printer.nextJob(timeout: 60).bytes, as: UTF8.self).contains("YTP1"))
        let document = Data("^XA^FO50,50^A0N,40,40^FDhello^FS^XZ\n".utf8).base64EncodedString()
        let raw = try packd.post("/v1/print", "{\"printer\": \"label-01\", \"document\": {\"format\": \"zpl\", \"base64\": \"\(document)\"}}")
        #expect(raw.status == 202)
        #expect(try printer.nextJob(timeout: 60).bytes == Array("^XA^FO50,50^A0N,40,40^FDhello^FS^XZ\n".utf8))
        #expect(try jobState(packd, job, becomes: "completed") == "completed")
        // A printer that does not answer: CUPS holds the job processing, and the
        // job says `printing` until the printer is back and has it.
        printer.close()
        let waiting = jsonObject(try packd.post("/v1/print", #"{"printer": "label-01", "order": "P"}"#))["job"] as! String
        #expect(try jobState(packd, waiting, becomes: "printing") == "printing")
        try printer.reopen()
        #expect(try jobState(packd, waiting, becomes: "completed") == "completed")
        #expect(String(decoding: try printer.nextJob(timeout: 60).bytes, as: UTF8.self).contains("YTP1"))
        let bad = try packd.post("/v1/print", #"{"printer": "label-01", "document": {"format": "zpl", "base64": "%%%"}}"#)
        #expect(bad.status == 422)
        #expect(jsonObject(bad)["field"] as? String == "document.base64")
        let stopped = packd.stop()
        #expect(stopped?.status == 0, "\(packd.log.suffix(4000))")
    }

    @Test(.timeLimit(.minutes(4)))
    func aSIGKILLWithScansAndLabelsInFlightLosesNothingAndPrintsNothingTwice() throws {
        let (cups, printer) = try PrivateCups.withRawQueue("zebra1")
        let pty = try PseudoTerminal()
        let packd = try RunningPackd(dir: dir.path, config: config(cups: cups, scanner: pty.slavePath))
        let waybills = (1...8).map { "YTK\(1000 + $0)" }
        let orders = waybills.enumerated().map { TestOrder.labelled("K\($0.offset)", waybill: $0.element).json }
        #expect(try packd.post("/v1/orders", "{\"orders\": [\(orders.joined(separator: ","))]}").status == 200)
        var events = try packd.events()
        try packd.waitForScanner()
        var completed: [String] = []
        for waybill in waybills.prefix(4) {
            pty.send("\(waybill)\r\nRAZOR-01\r\n")
            if try outcome(events, "RAZOR-01") == "parcel_completed" { completed.append(waybill) }
        }
        // Kill it while the last labels are still on their way to the printer
        // (the last one is rendered, sent to CUPS and on to the printer after its
        // outcome: tens of milliseconds).
        let printedBeforeKill = printer.jobs.count
        packd.stop(SIGKILL)
        #expect(printedBeforeKill < 4, "the kill came after every label had printed: nothing was in flight")
        try packd.start()
        events = try packd.events()
        try packd.waitForScanner()
        for waybill in waybills.suffix(4) {
            pty.send("\(waybill)\r\nRAZOR-01\r\n")
            if try outcome(events, "RAZOR-01") == "parcel_completed" { completed.append(waybill) }
        }
        #expect(completed == waybills)
        let jobs = try printer.waitForJobs(8, timeout: 90)
        let printed = jobs.map { job in waybills.first { String(decoding: job, as: UTF8.self).contains($0) } ?? "?" }
        #expect(printed.sorted() == waybills.sorted(), "each label exactly once: \(printed)")
        for (i, _) in waybills.enumerated() {
            let parcel = (jsonObject(try packd.get("/v1/orders/K\(i)"))["parcels"] as! [[String: Any]])[0]
            #expect(parcel["state"] as? String == "shipped")
        }
        #expect(try printer.jobsOnceQuiet().count == 8, "a label printed twice")
        let stopped = packd.stop()
        #expect(stopped?.status == 0, "\(packd.log.suffix(4000))")
    }
}
