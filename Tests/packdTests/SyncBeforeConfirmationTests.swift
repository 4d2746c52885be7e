import Foundation
import PackTestRequirements
import PackTestSupport
import Testing

/// Every shipment packd reports as confirmed follows a sync of the journal's WAL
/// that covers it: `packd replay --state` (which prints each outcome as soon as its
/// decision is journaled) runs under strace, and the trace is read in order.
@Suite(.offCooperativePool, .requires(FileManager.default.isExecutableFile(atPath: "/usr/bin/strace"), "needs strace"))
struct SyncBeforeConfirmationTests {
    let dir = TempDirectory()

    /// What the trace shows about confirmations: how many, and the ones that came
    /// while the WAL held writes not yet synced (or with no sync since the last).
    struct Reading {
        var confirmations = 0
        var unsynced: [String] = []
    }

    func traceReplay(state: String, environment: [String: String] = [:]) throws -> Reading {
        let log = dir.sub("trace-\(UUID().uuidString.prefix(6)).log")
        let result = try Packd.run(
            ["-f", "-y", "-s", "120", "-e", "trace=fdatasync,fsync,write,pwrite64", "-o", log, Packd.binary,
             "replay", "--orders", Packd.sample("orders.json"), "--scans", Packd.sample("scans.jsonl"), "--state", state],
            environment: environment, executable: "/usr/bin/strace", timeout: 120)
        #expect(result.status == 0, "\(result.stderr)")
        return Self.read(try String(contentsOfFile: log, encoding: .utf8))
    }

    /// Reads strace's lines in order. A write to the WAL leaves it dirty; a
    /// completed fdatasync or fsync of the WAL cleans it; a confirmation (a
    /// shipping outcome written to standard output) needs a clean WAL
    /// synced since the previous confirmation. Confirmations are the outcomes that
    /// ship: `parcel_completed` and `single_item_claimed`.
    static func read(_ trace: String) -> Reading {
        var reading = Reading()
        var dirty = false
        var syncedSinceConfirmation = false
        var pendingSync: Set<String> = []  // pids whose WAL sync is unfinished
        for line in trace.split(separator: "\n").map(String.init) {
            let pid = String(line.prefix { $0 != " " })
            let onWAL = line.contains("journal.sqlite-wal>")
            if line.contains("pwrite64("), onWAL {
                dirty = true
            } else if line.contains("fdatasync(") || line.contains("fsync(") {
                guard onWAL else { continue }
                if line.contains("<unfinished ...>") {
                    pendingSync.insert(pid)
                } else if line.hasSuffix("= 0") {
                    dirty = false
                    syncedSinceConfirmation = true
                }
            } else if line.contains("resumed>"), line.contains("sync resumed"), pendingSync.contains(pid) {
                pendingSync.remove(pid)
                if line.hasSuffix("= 0") {
                    dirty = false
                    syncedSinceConfirmation = true
                }
            } else if line.contains("write(1<"),
                line.contains(#"\"outcome\":\"parcel_completed\""#) || line.contains(#"\"outcome\":\"single_item_claimed\""#)
            {
                reading.confirmations += 1
                if dirty || !syncedSinceConfirmation { reading.unsynced.append(String(line.prefix(160))) }
                syncedSinceConfirmation = false
            }
        }
        return reading
    }

    @Test(.timeLimit(.minutes(2)))
    func everyConfirmedShipmentFollowsASyncOfTheJournal() throws {
        let reading = try traceReplay(state: dir.sub("full"))
        #expect(reading.confirmations == 5, "the sample scans ship five parcels")
        #expect(reading.unsynced.isEmpty, "confirmed before the journal was synced: \(reading.unsynced)")
    }

    /// The same check catches a journal that does not sync at every commit
    /// (SQLite's synchronous = NORMAL, which packd never uses).
    @Test(.timeLimit(.minutes(2)))
    func theCheckCatchesAJournalThatDoesNotSync() throws {
        let reading = try traceReplay(state: dir.sub("normal"), environment: ["PACKD_UNSAFE_SYNCHRONOUS": "normal"])
        #expect(reading.confirmations == 5)
        #expect(reading.unsynced.count == 5, "\(reading.unsynced)")
    }
}
