import PackCore
import PackStore
import PackTestSupport
import PropertyBased
import Testing

/// Random sessions written through the journal: the stock ledger always equals the
/// starting stock minus exactly the items of the parcels that shipped.
@Suite struct LedgerPropertyTests {
    @Test func stockEqualsStartMinusShipped() async {
        await propertyCheck(count: 40, input: Gen.int(in: 0...Int.max)) { seed in
            let dir = TempDirectory()
            let scenario = Scenario.random(seed: UInt64(seed))
            var run = CheckedRun(orders: scenario.orders)
            run.run(scenario)
            #expect(run.problems.isEmpty)
            do {
                let journal = try SQLiteJournal(directory: dir.path)
                let t0 = Timestamp(millisecondsSinceEpoch: 1_790_000_000_000)
                _ = try await journal.importOrders(scenario.orders, at: t0)
                let skus = Set(scenario.orders.flatMap { $0.lines.map(\.sku) })
                for sku in skus { _ = try await journal.setStock(sku: sku, quantity: 100, at: t0, note: "start") }
                for (_, decision, events) in run.decisions {
                    try await journal.record(
                        ScanCommit(station: decision.state, changes: decision.bookChanges, events: events))
                }
                var expected = Dictionary(uniqueKeysWithValues: skus.map { ($0, 100) })
                for items in run.shipped.values { for item in items { expected[item.sku]! -= item.qty } }
                let levels = try await journal.stockLevels()
                #expect(Dictionary(uniqueKeysWithValues: levels.map { ($0.sku, $0.quantity) }) == expected, "\(scenario)")
                let shippedInJournal = try await journal.parcelStates().filter { $0.state == "shipped" }.map(\.key)
                #expect(Set(shippedInJournal) == Set(run.shipped.keys), "\(scenario)")
                #expect(try await journal.outbox(limit: 10_000).count == run.events.count)
            } catch {
                Issue.record("\(scenario): \(error)")
            }
        }
    }
}
