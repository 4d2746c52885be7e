import Foundation
import PackCore
import PackDaemon
import PackStore

/// Durably confirmed shipments per second: stations completing parcels at once,
/// each scan answered only after its decision is on disk (synchronous=FULL).
enum CommitBench {
    struct Result {
        var label: String
        var stations: Int
        var shipments: Int
        var wallNs: UInt64
        var confirm: Samples
        var transactions: Int
        var commits: Int
    }

    enum Mode: CaseIterable {
        case packd, groupEveryDecision, naive

        var label: String {
            switch self {
            case .packd: "packd: group commit, disk awaited for shipments and events"
            case .groupEveryDecision: "group commit, disk awaited for every scan"
            case .naive: "baseline: one transaction per scan, every scan awaited"
            }
        }
    }

    static func run(_ mode: Mode, stations: Int, shipmentsPerStation: Int) async throws -> Result {
        let label = mode.label
        let grouped = mode != .naive
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("packd-bench-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sqlite = try SQLiteJournal(directory: dir)
        let journal: any PackJournal = grouped ? sqlite : OneTransactionPerCommit(sqlite: sqlite)
        let total = stations * shipmentsPerStation
        let orders = SyntheticOrders.make(count: total, prefix: "BN", skusPerOrder: 2, catalogueSize: 500)
        _ = try await sqlite.importOrders(orders, at: Timestamp(millisecondsSinceEpoch: 1_800_000_000_000))
        let hub = try await StationHub(
            journal: journal, config: PackConfig(), durability: mode == .packd ? .consequential : .everyDecision)

        let start = now()
        let perStation = try await withThrowingTaskGroup(of: Samples.self) { group in
            for s in 0..<stations {
                group.addTask {
                    var samples = Samples(capacity: shipmentsPerStation)
                    var at: Int64 = 0
                    for k in 0..<shipmentsPerStation {
                        let order = orders[k * stations + s]
                        let t0 = now()
                        var last: ScanDecision?
                        for code in [order.parcels[0].waybill] + order.lines.map(\.sku) {
                            at += 1000
                            last = try await hub.handle(
                                Scan(code: code, device: "gun-\(s)", atMs: at), station: "st-\(s)",
                                now: Timestamp(millisecondsSinceEpoch: 1_800_000_000_000 + at))
                        }
                        precondition(last?.outcome.kind == .parcelCompleted, "\(String(describing: last?.outcome))")
                        samples.add(now() - t0)
                    }
                    return samples
                }
            }
            var all = Samples(capacity: total)
            for try await samples in group { for v in samples.values { all.add(v) } }
            return all
        }
        let wall = now() - start
        let stats = sqlite.commitStatistics()
        // The baseline's transactions bypass the group committer: one per scan.
        let scans = total * 3
        return Result(
            label: label, stations: stations, shipments: total, wallNs: wall, confirm: perStation,
            transactions: grouped ? stats.transactions : scans, commits: grouped ? stats.commits : scans)
    }
}

/// The naive journal: every decision in a transaction of its own.
struct OneTransactionPerCommit: ForwardingJournal {
    let sqlite: SQLiteJournal
    var base: any PackJournal { sqlite }

    func record(_ commit: ScanCommit) async throws { try await sqlite.recordIndividually(commit) }
}
