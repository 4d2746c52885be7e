import PackCore
import PackTestSupport
import PropertyBased
import Testing

/// Random orders, random scans from two stations, random status changes: the
/// invariants that keep wrong parcels off the truck hold every time.
@Suite struct ScanEnginePropertyTests {
    @Test func parcelsShipOnlyCompleteApprovedAndOnce() async {
        await propertyCheck(count: 400, input: Gen.int(in: 0...Int.max)) { seed in
            let scenario = Scenario.random(seed: UInt64(seed))
            var run = CheckedRun(orders: scenario.orders)
            run.run(scenario)
            #expect(run.problems.isEmpty, "\(scenario): \(run.problems)")
        }
    }

    @Test func invariantsHoldWithoutAcknowledgementAndWithoutSingleItem() async {
        var config = EngineConfig()
        config.requireAck = false
        config.singleItem = false
        await propertyCheck(count: 200, input: Gen.int(in: 0...Int.max)) { seed in
            let scenario = Scenario.random(seed: UInt64(seed))
            var run = CheckedRun(orders: scenario.orders, config: config)
            run.run(scenario)
            #expect(run.problems.isEmpty, "\(scenario): \(run.problems)")
            #expect(!run.decisions.contains { $0.decision.outcome.kind == .singleItemClaimed })
            #expect(!run.decisions.contains { $0.decision.outcome.kind == .ackRequired })
        }
    }

    @Test func theScenariosReallyShipInterceptAndClaim() {
        // A property that is never exercised proves nothing: the generated sessions
        // must complete, claim and intercept parcels often.
        var kinds: [OutcomeKind: Int] = [:]
        for seed in 0..<300 {
            let scenario = Scenario.random(seed: UInt64(seed))
            var run = CheckedRun(orders: scenario.orders)
            run.run(scenario)
            for d in run.decisions { kinds[d.decision.outcome.kind, default: 0] += 1 }
        }
        #expect(kinds[.parcelCompleted, default: 0] > 50)
        #expect(kinds[.singleItemClaimed, default: 0] > 30)
        #expect(kinds[.intercepted, default: 0] > 50)
        #expect(kinds[.overScan, default: 0] > 10)
        #expect(kinds[.wrongItem, default: 0] > 10)
        #expect(kinds[.duplicateIgnored, default: 0] > 10)
    }

    @Test func errorsAlwaysWaitForTheAcknowledgement() async {
        await propertyCheck(count: 200, input: Gen.int(in: 0...Int.max)) { seed in
            let scenario = Scenario.random(seed: UInt64(seed))
            var run = CheckedRun(orders: scenario.orders)
            run.run(scenario)
            var pending: [String: Bool] = [:]
            for (station, decision, _) in run.decisions {
                let kind = decision.outcome.kind
                if pending[station] == true, kind != .duplicateIgnored {
                    #expect([.ackRequired, .acknowledged, .intercepted, .alreadyShipped].contains(kind),
                            "\(scenario): \(kind) while an error was pending at \(station)")
                }
                pending[station] = decision.state.pendingError != nil
            }
        }
    }
}
