import PackCore
import Testing

/// One test (at least) for every outcome row of contracts.md section 2.
@Suite struct ScanEngineOutcomeTests {
    static let razor = Fixtures.simple(
        "SO-1", waybill: "YT001", platformOrderId: "PLAT-1", [("RAZOR", 2), ("CASE", 1)],
        barcodes: ["RAZOR": ["6901234567892"], "CASE": ["012345678905"]])

    @Test func parcelOpenedByWaybillParcelIdOrderIdAndPlatformId() {
        for code in ["YT001", "yt001", "SO-1-1", "so-1", "PLAT-1", "  YT001\r\n"] {
            var b = Bench([Self.razor])
            let o = b.scan(code)
            #expect(o.kind == .parcelOpened, "code \(code)")
            #expect(o.order == "SO-1")
            #expect(o.parcel == "SO-1-1")
            #expect(b.state().open?.key == ParcelKey(orderId: "SO-1", parcelId: "SO-1-1"))
            #expect(b.parcel("SO-1", "SO-1-1")?.openAt == "pack-01")
        }
    }

    @Test func rescanningTheOpenParcelAnswersOpenedWithCountsUnchanged() {
        var b = Bench([Self.razor])
        b.scan("YT001")
        b.scan("RAZOR")
        let again = b.scan("YT001")
        #expect(again.kind == .parcelOpened)
        #expect(b.state().open?.verified == ["RAZOR": 1])
        #expect(b.state().pendingError == nil)
    }

    @Test func itemVerifiedCarriesSkuVerifiedExpected() {
        var b = Bench([Self.razor])
        b.scan("YT001")
        let o = b.scan("6901234567892")
        #expect(o.kind == .itemVerified)
        #expect(o.sku == "RAZOR")
        #expect(o.verified == 1)
        #expect(o.expected == 2)
    }

    @Test func parcelCompletedShipsQueuesEventPrintsLabelAndGoesIdle() {
        var b = Bench([Self.razor])
        b.scan("OP:op-7")
        b.scan("YT001")
        b.scan("RAZOR")
        b.scan("CASE")
        let o = b.scan("RAZOR")
        #expect(o.kind == .parcelCompleted)
        #expect(b.state().open == nil)
        #expect(b.parcel("SO-1", "SO-1-1")?.shipped == true)
        #expect(b.events.count == 1)
        let e = b.events[0]
        #expect(e.type == .parcelShipped)
        #expect(e.orderId == "SO-1")
        #expect(e.parcelId == "SO-1-1")
        #expect(e.waybill == "YT001")
        #expect(e.station == "pack-01")
        #expect(e.operatorId == "op-7")
        #expect(Set(e.items ?? []) == [ParcelLine(sku: "RAZOR", qty: 2), ParcelLine(sku: "CASE", qty: 1)])
        #expect(b.labels.count == 1)
        #expect(b.labels[0].0 == ParcelKey(orderId: "SO-1", parcelId: "SO-1-1"))
        #expect(b.lastEffects.contains(.sound(.complete)))
    }

    @Test func parcelInProgressKeepsTheOpenParcel() {
        var b = Bench([Self.razor, Fixtures.simple("SO-2", waybill: "YT002", [("CASE", 1)])])
        b.scan("YT001")
        b.scan("RAZOR")
        let o = b.scan("YT002")
        #expect(o.kind == .parcelInProgress)
        #expect(b.state().open?.key.orderId == "SO-1")
        #expect(b.state().open?.verified == ["RAZOR": 1])
        #expect(b.parcel("SO-2", "SO-2-1")?.openAt == nil)
    }

    @Test func noParcelOpenWhenSingleItemModeIsOff() {
        var config = EngineConfig()
        config.singleItem = false
        var b = Bench([Self.razor], config: config)
        let o = b.scan("RAZOR")
        #expect(o.kind == .noParcelOpen)
        #expect(b.state().pendingError?.kind == .noParcelOpen)
        #expect(b.events.isEmpty)
    }

    @Test func wrongItemLeavesCountsUnchanged() {
        var b = Bench([Self.razor, Fixtures.simple("SO-2", waybill: "YT002", [("MUG", 1)])])
        b.scan("YT001")
        b.scan("RAZOR")
        let o = b.scan("MUG")
        #expect(o.kind == .wrongItem)
        #expect(b.state().open?.verified == ["RAZOR": 1])
        #expect(b.state().pendingError?.kind == .wrongItem)
    }

    @Test func overScanNeverIncrements() {
        var b = Bench([Self.razor])
        b.scan("YT001")
        b.scan("CASE")
        let o = b.scan("CASE")
        #expect(o.kind == .overScan)
        #expect(o.verified == 1)
        #expect(o.expected == 1)
        #expect(b.state().open?.verified == ["CASE": 1])
        b.scan("PACKD:ACK")
        #expect(b.scan("CASE").kind == .overScan)
        #expect(b.state().open?.verified == ["CASE": 1])
    }

    @Test func interceptedAtOpenForEveryStoppingStatus() {
        for status in [OrderStatus.cancelled, .refunded, .onHold] {
            var b = Bench([Fixtures.simple("SO-9", waybill: "ZT9", status: status, [("RAZOR", 1)])])
            let o = b.scan("ZT9")
            #expect(o.kind == .intercepted, "status \(status)")
            #expect(b.state().open == nil)
            #expect(b.events.map(\.type) == [.orderIntercepted])
            #expect(b.events[0].status == status)
            #expect(b.parcel("SO-9", "SO-9-1")?.shipped == false)
        }
    }

    @Test func alreadyShipped() {
        var b = Bench([Fixtures.simple("SO-3", waybill: "YT003", [("CASE", 1)])])
        b.scan("YT003")
        #expect(b.scan("CASE").kind == .parcelCompleted)
        let o = b.scan("YT003")
        #expect(o.kind == .alreadyShipped)
        #expect(b.events.count == 1)
    }

    @Test func orderShippedByTheERPCountsAsAlreadyShipped() {
        var b = Bench([Fixtures.simple("SO-3", waybill: "YT003", status: .shipped, [("CASE", 1)])])
        #expect(b.scan("YT003").kind == .alreadyShipped)
        #expect(b.events.isEmpty)
    }

    @Test func ambiguousOrderUntilOnlyOneParcelIsLeft() {
        let order = Fixtures.order(
            "SO-4", lines: [("A", 1, []), ("B", 1, []), ("C", 1, [])],
            parcels: [("SO-4-1", "W1", [("A", 1)]), ("SO-4-2", "W2", [("B", 1)]), ("SO-4-3", "W3", [("C", 1)])])
        var b = Bench([order])
        #expect(b.scan("SO-4").kind == .ambiguousOrder)
        b.scan("W1")
        #expect(b.scan("A").kind == .parcelCompleted)
        #expect(b.scan("so-4").kind == .ambiguousOrder)
        b.scan("W3")
        #expect(b.scan("C").kind == .parcelCompleted)
        let last = b.scan("SO-4")
        #expect(last.kind == .parcelOpened)
        #expect(last.parcel == "SO-4-2")
        #expect(b.scan("B").kind == .parcelCompleted)
        #expect(b.scan("SO-4").kind == .alreadyShipped)
    }

    @Test func unknownCode() {
        var b = Bench([Self.razor])
        #expect(b.scan("NOPE").kind == .unknownCode)
        #expect(b.state().pendingError?.kind == .unknownCode)
        b.scan("PACKD:ACK")
        b.scan("YT001")
        #expect(b.scan("ALSO-NOPE").kind == .unknownCode)
        #expect(b.state().open?.verified == [:])
    }

    @Test func duplicateWithinDebounceFromSameDeviceIsIgnoredButAnotherDeviceCounts() {
        var b = Bench([Self.razor])
        b.scan("YT001", device: "gun-1")
        #expect(b.scan("RAZOR", device: "gun-1").kind == .itemVerified)
        #expect(b.scan("RAZOR", device: "gun-1", after: 299).kind == .duplicateIgnored)
        #expect(b.state().open?.verified["RAZOR"] == 1)
        #expect(b.scan("RAZOR", device: "gun-2", after: 1).kind == .itemVerified)
        #expect(b.state().open?.verified["RAZOR"] == 2)
    }

    @Test func sameCodeAfterTheDebounceWindowCounts() {
        var b = Bench([Self.razor])
        b.scan("YT001")
        b.scan("RAZOR")
        #expect(b.scan("RAZOR", after: 300).kind == .itemVerified)
        #expect(b.state().open?.verified["RAZOR"] == 2)
    }

    @Test func singleItemClaimsTheOldestThenOrderId() {
        let orders = [
            Fixtures.simple("SO-B", waybill: "WB", approvedAt: "2026-11-22T08:00:00Z", [("CABLE", 1)]),
            Fixtures.simple("SO-A", waybill: "WA", approvedAt: "2026-11-22T08:00:00Z", [("CABLE", 1)]),
            Fixtures.simple("SO-C", waybill: "WC", approvedAt: "2026-11-22T07:00:00Z", [("CABLE", 1)]),
            Fixtures.simple("SO-D", waybill: "WD", approvedAt: "2026-11-22T06:00:00Z", [("CABLE", 2)]),
            Fixtures.simple("SO-E", waybill: "WE", approvedAt: "2026-11-22T05:00:00Z", [("CABLE", 1), ("X", 1)]),
            Fixtures.simple("SO-F", waybill: "WF", status: .cancelled, approvedAt: "2026-11-22T04:00:00Z", [("CABLE", 1)]),
        ]
        var b = Bench(orders)
        var claimed: [String?] = []
        for _ in 0..<4 {
            let o = b.scan("CABLE", after: 1000)
            claimed.append(o.kind == .singleItemClaimed ? o.order : o.kind.rawValue)
        }
        #expect(claimed == ["SO-C", "SO-A", "SO-B", "no_pending_order"])
        #expect(b.events.filter { $0.type == .parcelShipped }.map(\.orderId) == ["SO-C", "SO-A", "SO-B"])
        #expect(b.labels.count == 3)
    }

    @Test func singleItemClaimSkipsAParcelOpenAtAnotherStation() {
        let orders = [
            Fixtures.simple("SO-A", waybill: "WA", approvedAt: "2026-11-22T07:00:00Z", [("CABLE", 1)]),
            Fixtures.simple("SO-B", waybill: "WB", approvedAt: "2026-11-22T08:00:00Z", [("CABLE", 1)]),
        ]
        var b = Bench(orders)
        #expect(b.scan("WA", station: "pack-01").kind == .parcelOpened)
        let o = b.scan("CABLE", station: "pack-02")
        #expect(o.kind == .singleItemClaimed)
        #expect(o.order == "SO-B")
        // Abandoned at pack-01, the parcel is claimable again.
        #expect(b.scan("PACKD:CANCEL", station: "pack-01").kind == .cancelled)
        #expect(b.scan("CABLE", station: "pack-02").order == "SO-A")
    }

    @Test func twoStationsNeverClaimTheSameParcel() {
        let orders = (0..<20).map {
            Fixtures.simple("SO-\($0)", waybill: "W\($0)", approvedAt: "2026-11-22T08:00:\(10 + $0)Z", [("CABLE", 1)])
        }
        var b = Bench(orders)
        var claimed: [String] = []
        for i in 0..<25 {
            let o = b.scan("CABLE", station: i % 2 == 0 ? "pack-01" : "pack-02", after: 200)
            if o.kind == .singleItemClaimed { claimed.append(o.order!) }
        }
        #expect(claimed.count == 20)
        #expect(Set(claimed).count == 20)
    }

    @Test func noPendingOrder() {
        var b = Bench([Self.razor])
        let o = b.scan("RAZOR")
        #expect(o.kind == .noPendingOrder)
        #expect(b.state().pendingError == nil)
        #expect(b.events.isEmpty)
    }

    @Test func errorsStayUntilAcknowledged() {
        var b = Bench([Self.razor])
        b.scan("YT001")
        #expect(b.scan("WHAT").kind == .unknownCode)
        for code in ["RAZOR", "YT001", "PACKD:CANCEL", "OP:op-9", "PACKD:REPRINT"] {
            let o = b.scan(code)
            #expect(o.kind == .ackRequired, "code \(code)")
            #expect(o.pending == .unknownCode)
        }
        #expect(b.state().open?.verified == [:])
        #expect(b.state().operatorId == nil)
        #expect(b.scan("packd:ack").kind == .acknowledged)
        #expect(b.scan("RAZOR").kind == .itemVerified)
    }

    @Test func everyStickyErrorKindRequiresAcknowledgement() {
        let sticky = OutcomeKind.allCases.filter(\.requiresAcknowledgement)
        #expect(Set(sticky) == [.wrongItem, .overScan, .intercepted, .alreadyShipped, .unknownCode, .parcelInProgress, .noParcelOpen])
    }

    @Test func withoutRequireAckErrorsDoNotStay() {
        var config = EngineConfig()
        config.requireAck = false
        var b = Bench([Self.razor], config: config)
        b.scan("YT001")
        #expect(b.scan("WHAT").kind == .unknownCode)
        #expect(b.scan("RAZOR").kind == .itemVerified)
    }

    @Test func acknowledgedCancelledReprintedOperatorLogin() {
        var b = Bench([Self.razor])
        #expect(b.scan("PACKD:ACK").kind == .acknowledged)
        let login = b.scan("OP:op-42")
        #expect(login.kind == .operatorLogin)
        #expect(b.state().operatorId == "op-42")
        #expect(b.scan("PACKD:CANCEL").kind == .cancelled)
        #expect(b.events.isEmpty)
        b.scan("YT001")
        b.scan("RAZOR")
        let cancel = b.scan("PACKD:CANCEL")
        #expect(cancel.kind == .cancelled)
        #expect(b.events.map(\.type) == [.parcelAbandoned])
        #expect(b.events[0].items == [ParcelLine(sku: "RAZOR", qty: 1)])
        #expect(b.events[0].operatorId == "op-42")
        #expect(b.parcel("SO-1", "SO-1-1")?.openAt == nil)
        #expect(b.parcel("SO-1", "SO-1-1")?.shipped == false)
        // Nothing printed yet: reprint has nothing to print, says so, and does not lock the station.
        let nothing = b.scan("PACKD:REPRINT")
        #expect(nothing.kind == .reprinted)
        #expect(nothing.message.contains("nothing printed"))
        #expect(b.labels.isEmpty)
        #expect(b.state().pendingError == nil)
        #expect(b.scan("YT001").kind == .parcelOpened)
        b.scan("RAZOR")
        b.scan("RAZOR", device: "other")
        #expect(b.scan("CASE").kind == .parcelCompleted)
        let reprint = b.scan("PACKD:REPRINT")
        #expect(reprint.kind == .reprinted)
        #expect(b.labels.last! == (ParcelKey(orderId: "SO-1", parcelId: "SO-1-1"), true))
    }

    @Test func configuredControlCodes() {
        var config = EngineConfig()
        config.controlCodes.acknowledge = "OK!"
        config.controlCodes.badgePrefix = "EMP-"
        var b = Bench([Self.razor], config: config)
        #expect(b.scan("EMP-17").kind == .operatorLogin)
        #expect(b.state().operatorId == "17")
        #expect(b.scan("NOPE").kind == .unknownCode)
        #expect(b.scan("PACKD:ACK").kind == .ackRequired)
        #expect(b.scan("OK!").kind == .acknowledged)
    }
}
