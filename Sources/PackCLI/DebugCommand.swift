import ArgumentParser
import Foundation
import PackCore
import PackDaemon
import PackStore

/// Tools for testing packd itself; hidden from the help.
struct DebugCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "debug",
        abstract: "Tools for testing packd itself.",
        shouldDisplay: false,
        subcommands: [ShipLoop.self, PrintQueueCommand.self]
    )

    /// Ships synthetic parcels from several stations as fast as the journal allows,
    /// printing `confirmed <parcel>` once each shipment is durable. The durability
    /// test kills it mid-run and checks the journal against what it printed.
    struct ShipLoop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "ship-loop")

        @Option var state: String
        @Option var stations = 4
        @Option var orders = 2_000

        func run() async throws {
            let journal = try StateOptions.openJournal(at: state, mode: .local)
            let hub = try await StationHub(journal: journal, config: PackConfig())
            if await hub.orderCount == 0 {
                let made = SyntheticOrders.make(count: orders, prefix: "DUR", skusPerOrder: 2, catalogueSize: 50)
                _ = try await hub.upsert(made, at: WallClock.now())
            }
            let stationCount = max(1, stations)
            let total = orders
            try await withThrowingTaskGroup(of: Void.self) { group in
                for s in 0..<stationCount {
                    group.addTask {
                        try await ShipLoop.runStation(s, of: stationCount, total: total, hub: hub)
                    }
                }
                try await group.waitForAll()
            }
        }

        static func runStation(_ s: Int, of count: Int, total: Int, hub: StationHub) async throws {
            let station = "dur-\(s)"
            var at: Int64 = 0
            func scan(_ code: String) async throws -> ScanDecision {
                at += 1000
                return try await hub.handle(Scan(code: code, device: station, atMs: at), station: station, now: WallClock.now())
            }
            for i in stride(from: s, to: total, by: count) {
                let order = SyntheticOrders.make(count: 1, prefix: "DUR", skusPerOrder: 2, catalogueSize: 50, startIndex: i)[0]
                let opened = try await scan(order.parcels[0].waybill)
                guard opened.outcome.kind == .parcelOpened else {
                    _ = try await scan("PACKD:ACK")
                    continue
                }
                var last = opened
                for line in order.lines { last = try await scan(line.sku) }
                if last.outcome.kind == .parcelCompleted {
                    Output.lineNow("confirmed \(order.parcels[0].id)")
                }
            }
        }
    }
}
