import Foundation
import PackTestSupport
import PackCore
import PackStore
import PackTestRequirements
import Testing

@Suite(.offCooperativePool) struct ReplayCommandTests {
    static let sampleOutcomes = [
        "operator_login", "parcel_opened", "item_verified", "duplicate_ignored", "wrong_item", "acknowledged",
        "item_verified", "over_scan", "acknowledged", "parcel_completed", "ambiguous_order", "acknowledged",
        "parcel_opened", "parcel_completed", "parcel_opened", "item_verified", "parcel_completed",
        "single_item_claimed", "single_item_claimed", "no_pending_order", "intercepted", "ack_required",
        "acknowledged", "parcel_opened", "item_verified", "intercepted", "acknowledged", "parcel_opened",
        "item_verified", "parcel_in_progress", "acknowledged", "cancelled", "already_shipped", "acknowledged",
        "unknown_code", "acknowledged", "reprinted",
    ]

    func replaySamples(_ extra: [String] = []) throws -> Packd.Result {
        try Packd.run(
            ["replay", "--orders", Packd.sample("orders.json"), "--scans", Packd.sample("scans.jsonl")] + extra)
    }

    @Test func theBundledSamplesGiveWhatAPackerExpects() throws {
        let result = try replaySamples()
        #expect(result.status == 0, "\(result.stderr)")
        let lines = try result.lines.map { try JSONParser.parse($0) }
        let scans = lines.dropLast()
        #expect(scans.map { $0["outcome"]?.stringValue ?? "?" } == Self.sampleOutcomes)
        for (i, line) in scans.enumerated() {
            #expect(line["seq"] == .int(Int64(i + 1)))
            #expect(line["code"]?.stringValue != nil)
            #expect(line["order"] != nil && line["parcel"] != nil, "seq \(i + 1) lacks order/parcel")
        }
        #expect(scans[9]["order"] == "SO-1001")
        #expect(scans[9]["parcel"] == "SO-1001-1")
        #expect(scans[17]["order"] == "SO-1004")  // the oldest single-item order first
        let summary = try #require(lines.last)
        let events = try #require(summary["events"].flatMap { if case .array(let a) = $0 { a } else { nil } })
        #expect(events.map { $0["type"]?.stringValue ?? "" } == [
            "parcel.shipped", "parcel.shipped", "parcel.shipped", "parcel.shipped", "parcel.shipped",
            "order.intercepted", "order.intercepted", "parcel.abandoned",
        ])
        #expect(events[0]["items"] == [["sku": "RAZOR-01", "qty": 2], ["sku": "CASE-01", "qty": 1]])
        #expect(events[0]["operator"] == "op-7")
        #expect(Set(events.compactMap { $0["id"]?.stringValue }).count == 8)
        #expect(summary["summary"]?["parcelsShipped"] == 5)
    }

    @Test func replayIsDeterministic() throws {
        let a = try replaySamples()
        let b = try replaySamples()
        #expect(a.stdout == b.stdout)
    }

    @Test func textFormatIsForPeople() throws {
        let result = try replaySamples(["--format", "text"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("parcel_completed    Parcel YT2412345678901 complete and shipped."))
        #expect(result.stdout.contains("5 parcel(s) shipped, 2 interception(s)"))
    }

    @Test func withStateTheRunIsJournaledAndContinues() async throws {
        let dir = TempDirectory()
        let first = try replaySamples(["--state", dir.path])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout == (try replaySamples()).stdout)
        let journal = try SQLiteJournal(directory: dir.path)
        let shipped = try await journal.parcelStates().filter { $0.state == "shipped" }.map(\.key.parcelId)
        #expect(Set(shipped) == ["SO-1001-1", "SO-1002-1", "SO-1002-2", "SO-1003-1", "SO-1004-1"])
        #expect(try await journal.outbox(limit: 100).count == 8)
        let stock = Dictionary(uniqueKeysWithValues: try await journal.stockLevels().map { ($0.sku, $0.quantity) })
        #expect(stock == ["RAZOR-01": -2, "CASE-01": -1, "MUG-RED": -2, "SPOON": -1, "CABLE-USB": -2])
        // A second run over the same journal finds the parcels shipped.
        let again = try replaySamples(["--state", dir.path])
        let outcomes = try again.lines.dropLast().map { try JSONParser.parse($0)["outcome"]?.stringValue ?? "" }
        #expect(outcomes[1] == "already_shipped")
    }

    @Test func configChangesTheRules() throws {
        let dir = TempDirectory()
        let config = dir.file("packd.toml", """
            [engine]
            single_item = false
            [stations.pack-07]
            debounce_ms = 0
            """)
        let scans = dir.file("s.jsonl", """
            {"code": "CABLE-USB", "at_ms": 0}
            """)
        let result = try Packd.run(["replay", "--orders", Packd.sample("orders.json"), "--scans", scans, "--config", config])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.lines[0].contains(#""outcome":"no_parcel_open""#))
        #expect(result.lines[1].contains(#""station":"pack-07""#))
    }

    @Test(arguments: [
        ("[engine]\nrequre_ack = true\n", "engine.requre_ack: unknown key"),
        ("[engine]\ndebounce_ms = \"300\"\n", "engine.debounce_ms: must be a whole number"),
        ("[engine]\nlabel_policy = \"sometimes\"\n", #"engine.label_policy: must be one of "on_complete", "on_open", "on_approval", "never", not "sometimes""#),
        ("[engine\n", "not valid TOML"),
        ("[core]\nmode = \"cloud\"\n", #"core.mode: must be "local" or "remote", not "cloud""#),
    ])
    func badConfigIsRefusedPrecisely(_ text: String, _ expected: String) throws {
        let dir = TempDirectory()
        let config = dir.file("packd.toml", text)
        let result = try Packd.run(
            ["replay", "--orders", Packd.sample("orders.json"), "--scans", Packd.sample("scans.jsonl"), "--config", config])
        #expect(result.status == 2)
        #expect(result.stderr.contains(expected), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test(arguments: [
        (#"{"code": 5}"#, #"line 1: "code" must be a string, not a number"#),
        ("{\"code\": \"A\", \"at_ms\": 10}\n{\"code\": \"B\", \"at_ms\": 5}", #"line 2: "at_ms" goes back in time (5 after 10)"#),
        (#"{"code": "A", "at_ms": -1}"#, #"line 1: "at_ms" must be >= 0, not -1"#),
        (#"{"code": "A", "at_ms": 9223372036854775807}"#, #"line 1: "at_ms" must be at most 3155760000000 (a century)"#),
        ("[1]", "line 1: must be a JSON object, not an array"),
        ("{\"code\": \"A\"}\n{oops", "line 2: not valid JSON"),
        (#"{"order": {"id": "X"}}"#, "line 1: order.status: is required"),
        (#"{"at_ms": 1}"#, #"line 1: "code" is required (or "order")"#),
    ])
    func badScanFilesAreRefusedWithTheLine(_ text: String, _ expected: String) throws {
        let dir = TempDirectory()
        let scans = dir.file("scans.jsonl", text)
        let result = try Packd.run(["replay", "--orders", Packd.sample("orders.json"), "--scans", scans])
        #expect(result.status == 2)
        #expect(result.stderr.contains("\(scans): \(expected)"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func missingFilesAndBadOptionsExitWithTwo() throws {
        let missing = try Packd.run(["replay", "--orders", "/nonexistent/o.json", "--scans", Packd.sample("scans.jsonl")])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("/nonexistent/o.json: cannot read the order file"))
        let usage = try Packd.run(["replay", "--orders"])
        #expect(usage.status == 2)
        let start = try Packd.run(
            ["replay", "--orders", Packd.sample("orders.json"), "--scans", Packd.sample("scans.jsonl"), "--start", "noon"])
        #expect(start.status == 2)
        #expect(start.stderr.contains("--start"))
    }

    @Test func scanDefaultsFollowTheContract() throws {
        let dir = TempDirectory()
        let scans = dir.file("s.jsonl", """
            {"code": "YT2412345678901"}

            {"code": "RAZOR-01"}
            {"code": "RAZOR-01", "device": "s2", "at_ms": 2100}
            """)
        let result = try Packd.run(["replay", "--orders", Packd.sample("orders.json"), "--scans", scans])
        #expect(result.status == 0)
        let lines = try result.lines.dropLast().map { try JSONParser.parse($0) }
        #expect(lines.map { $0["at_ms"] } == [0, 1000, 2100])
        #expect(lines.map { $0["device"] } == ["replay", "replay", "s2"])
        #expect(lines.map { $0["outcome"] } == ["parcel_opened", "item_verified", "item_verified"])
    }
}
