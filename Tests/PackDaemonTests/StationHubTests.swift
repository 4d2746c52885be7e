import Foundation
import PackTestSupport
import PackCore
import PackDaemon
import PackStore
import PackTestRequirements
import Testing

@Suite(.offCooperativePool) struct StationHubTests {
    let temp = TempDirectory("hub")
    var dir: String { temp.path }
    let t0 = Timestamp(millisecondsSinceEpoch: 1_795_334_400_000)


    @Test func stationsScanningAtOnceNeverClaimTheSameParcel() async throws {
        let journal = try SQLiteJournal(directory: dir)
        let orders = SyntheticOrders.make(count: 60, prefix: "C", skusPerOrder: 1, catalogueSize: 1)
        _ = try await journal.importOrders(orders, at: t0)
        let hub = try await StationHub(journal: journal, config: PackConfig())
        let claimed = try await withThrowingTaskGroup(of: [String].self) { group in
            for s in 0..<6 {
                group.addTask {
                    var mine: [String] = []
                    for k in 0..<15 {
                        let d = try await hub.handle(
                            Scan(code: SyntheticOrders.sku(0), device: "g\(s)", atMs: Int64(k) * 1000),
                            station: "st-\(s)", now: self.t0)
                        if d.outcome.kind == .singleItemClaimed { mine.append(d.outcome.order!) }
                    }
                    return mine
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(claimed.count == 60)
        #expect(Set(claimed).count == 60)
        // Every waiting order was claimed, each exactly once.
        #expect(Set(claimed) == Set(orders.map(\.id)))
        let shipped = try await journal.parcelStates().filter { $0.state == "shipped" }
        #expect(shipped.count == 60)
    }

    @Test func aRestartedHubResumesTheOpenParcel() async throws {
        let orders = SyntheticOrders.make(count: 1, prefix: "R", skusPerOrder: 3, catalogueSize: 50)
        let parcel = orders[0].parcels[0]
        do {
            let journal = try SQLiteJournal(directory: dir)
            _ = try await journal.importOrders(orders, at: t0)
            let hub = try await StationHub(journal: journal, config: PackConfig())
            _ = try await hub.handle(Scan(code: "OP:op-5", device: "g", atMs: 0), station: "pack-01", now: t0)
            _ = try await hub.handle(Scan(code: parcel.waybill, device: "g", atMs: 1000), station: "pack-01", now: t0)
            let counted = try await hub.handle(
                Scan(code: orders[0].lines[0].sku, device: "g", atMs: 2000), station: "pack-01", now: t0)
            #expect(counted.outcome.kind == .itemVerified)
            // The count was answered before it was on disk; everything queued before an
            // awaited commit is durable once that commit is.
            try await journal.enqueue(ScanCommit(station: StationState(station: "flush"), changes: [], events: [])).wait()
        }
        let journal = try SQLiteJournal(directory: dir)
        let hub = try await StationHub(journal: journal, config: PackConfig())
        let state = try await hub.state(of: "pack-01")
        #expect(state.operatorId == "op-5")
        #expect(state.open?.key.parcelId == parcel.id)
        #expect(state.open?.verified == [orders[0].lines[0].sku: 1])
        var last: ScanDecision?
        for (k, line) in orders[0].lines.dropFirst().enumerated() {
            last = try await hub.handle(
                Scan(code: line.sku, device: "g", atMs: 10_000 + Int64(k) * 1000), station: "pack-01", now: t0)
        }
        #expect(last?.outcome.kind == .parcelCompleted)
        #expect(last?.events.first?.operatorId == "op-5")
    }
}
