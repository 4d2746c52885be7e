import Foundation
import Glibc
import PackStore
import PackTestSupport
import PackTestRequirements
import Testing

/// The fault soak of issue 11: 500 parcels scanned on a pty scanner while the
/// core fails every way it can and packd is killed twice. Afterwards the core
/// holds every parcel.shipped exactly once by id, nothing is a dead letter, and
/// the journal agrees with the core.
@Suite(.offCooperativePool, .serialized)
struct CoreSoakTests {
    let dir = TempDirectory()

    static let parcels = 500

    func isShipped(_ packd: RunningPackd, _ i: Int) throws -> Bool {
        let parcels = jsonObject(try packd.get("/v1/orders/SO-\(i)"))["parcels"] as? [[String: Any]]
        return parcels?.first?["state"] as? String == "shipped"
    }

    /// Scans parcel i's waybill and item on the scanner until the parcel is
    /// shipped, as a packer scans again when the screen did not confirm (and
    /// acknowledges an error first: after a kill, the parcel scanned again may
    /// have shipped already).
    func ship(_ i: Int, pty: PseudoTerminal, packd: RunningPackd) throws {
        for _ in 0..<5 {
            if try isShipped(packd, i) { return }
            if jsonObject(try packd.get("/v1/stations/pack-01"))["pendingError"] is [String: Any] {
                pty.send("PACKD:ACK\r\n")
            }
            pty.send("W-\(i)-1\r\nSKU-\(i)-1\r\n")
            // Not shipped within 3 s: the scans are sent again (a fault may have eaten them).
            if (try? waitUntil("parcel \(i) ships", seconds: 3) { try isShipped(packd, i) }) != nil { return }
        }
        throw HTTPClient.ClientError("parcel \(i) did not ship:\n\(packd.log.suffix(3000))")
    }

    /// Failed deliveries packd counted since it started.
    func retries(_ packd: RunningPackd) throws -> Int {
        let line = try packd.get("/metrics").text.split(separator: "\n").first { $0.hasPrefix("packd_core_delivery_retries_total ") }
        return line.flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
    }

    /// Ends a fault's phase only once packd has met the fault: a delivery failed during it.
    func waitForFailedDelivery(_ packd: RunningPackd, since: Int, _ fault: String) throws {
        try waitUntil("a delivery fails while the core is \(fault)", seconds: 20) { try retries(packd) > since }
    }

    @Test(.timeLimit(.minutes(6)))
    func nothingIsLostOrDoubledWhateverFails() async throws {
        let core = try ReferenceCore(dataDir: dir.sub("core"))
        let pty = try PseudoTerminal()
        let config = CoreDeliveryTests.coreConfig(core, extra: "request_timeout_ms = 1000")
            .replacingOccurrences(of: "request_timeout_ms = 1500\n", with: "")
            + "\n[[scanners]]\nstation = \"pack-01\"\ndevice = \"\(pty.slavePath)\"\n"
        let packd = try RunningPackd(dir: dir.sub("packd"), config: config)
        #expect(try packd.post("/v1/orders", TestOrder.batch(TestOrder.numbered(1...Self.parcels))).status == 200)
        try packd.waitForScanner()
        var kills = 0
        var failedBefore = 0
        for i in 1...Self.parcels {
            switch i {
            case 81:
                try core.control("fault", #"{"mode": "error", "status": 500}"#)
                failedBefore = try retries(packd)
            case 121:
                // Killed while events back off after 500s.
                try waitForFailedDelivery(packd, since: failedBefore, "answering 500")
                packd.stop(SIGKILL)
                kills += 1
                try packd.start()
                try packd.waitForScanner()
                failedBefore = try retries(packd)
            case 161:
                try waitForFailedDelivery(packd, since: failedBefore, "answering 500")
                try core.control("fault", #"{"mode": "hang", "seconds": 2.5}"#)
                failedBefore = try retries(packd)
            case 241:
                try waitForFailedDelivery(packd, since: failedBefore, "hanging")
                try core.control("fault", #"{"mode": "drop"}"#)
                failedBefore = try retries(packd)
            case 321:
                try waitForFailedDelivery(packd, since: failedBefore, "dropping connections")
                core.stop()
                failedBefore = try retries(packd)
            case 401:
                try waitForFailedDelivery(packd, since: failedBefore, "stopped")
                try core.start()
            default: break
            }
            if i == 201 {
                // Killed mid-scan, with a request to the hanging core in flight.
                try waitForFailedDelivery(packd, since: failedBefore, "hanging")
                pty.send("W-\(i)-1\r\nSKU-\(i)-1\r\n")
                packd.stop(SIGKILL)
                kills += 1
                try packd.start()
                try packd.waitForScanner()
                failedBefore = try retries(packd)
            }
            try ship(i, pty: pty, packd: packd)
        }
        #expect(kills == 2)
        // The core came back with its memory (its data directory) and answers normally.
        let state = try core.waitFor("\(Self.parcels) parcel.shipped events", seconds: 120) { $0.events.count >= Self.parcels }
        let counts = try CoreDeliveryTests.waitForOutbox(packd, seconds: 60) { $0["pending"] == 0 }
        print("soak: \(Self.parcels) parcels, core took \(state.events.count) events in \(state.requests) requests; duplicates absorbed by id: \(state.duplicates)")
        let shipped = state.events.filter { $0["type"] as? String == "parcel.shipped" }
        let ids = shipped.compactMap { $0["id"] as? String }
        #expect(ids.count == Self.parcels)
        #expect(Set(ids).count == ids.count, "each id once")
        #expect(Set(shipped.compactMap { $0["parcelId"] as? String }).count == Self.parcels, "each parcel once")
        #expect(state.duplicates >= 1, "the hanging core took events packd then sent again")
        #expect(counts["dead"] == 0 && counts["delivered"] == Self.parcels, "\(counts)")
        #expect(packd.stop()?.status == 0)
        // The journal agrees with the core, event for event.
        let journal = try SQLiteJournal(directory: packd.statePath)
        let outbox = try await journal.outbox(limit: 10 * Self.parcels)
        let journaled = outbox.filter { $0.type == .parcelShipped }
        #expect(Set(journaled.map(\.id)) == Set(ids))
        #expect(journaled.allSatisfy { $0.state == .delivered })
    }
}
