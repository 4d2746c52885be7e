import PackCore
import Testing

/// Every transition that changes a parcel, and the status changes that arrive mid-verification.
@Suite struct ScanEngineTransitionTests {
    static let order = Fixtures.simple("SO-1", waybill: "YT001", [("RAZOR", 2), ("CASE", 1)])

    static func withStatus(_ status: OrderStatus) -> Order {
        var o = order
        o.status = status
        return o
    }

    @Test(arguments: [OrderStatus.cancelled, .refunded, .onHold])
    func statusChangeAfterOpenIsInterceptedOnTheNextScanAndNothingShips(_ status: OrderStatus) {
        var b = Bench([Self.order])
        b.scan("YT001")
        b.scan("RAZOR")
        b.scan("RAZOR", device: "gun-2")
        b.book.upsert(Self.withStatus(status))
        // Even the scan that would have completed the parcel is intercepted.
        let o = b.scan("CASE")
        #expect(o.kind == .intercepted)
        #expect(o.parcel == "SO-1-1")
        #expect(b.state().open == nil)
        #expect(b.parcel("SO-1", "SO-1-1")?.shipped == false)
        #expect(b.parcel("SO-1", "SO-1-1")?.openAt == nil)
        #expect(b.events.map(\.type) == [.orderIntercepted])
        #expect(b.events[0].status == status)
        #expect(b.labels.isEmpty)
        #expect(b.scan("CASE").kind == .ackRequired)
    }

    @Test func interceptWinsOverAPendingError() {
        var b = Bench([Self.order])
        b.scan("YT001")
        #expect(b.scan("NOPE").kind == .unknownCode)
        b.book.upsert(Self.withStatus(.cancelled))
        #expect(b.scan("PACKD:ACK").kind == .intercepted)
        #expect(b.state().pendingError?.kind == .intercepted)
    }

    @Test func reapprovedOrderCanBeOpenedAgain() {
        var b = Bench([Self.withStatus(.onHold)])
        #expect(b.scan("YT001").kind == .intercepted)
        b.scan("PACKD:ACK")
        b.book.upsert(Self.order)
        #expect(b.scan("YT001").kind == .parcelOpened)
    }

    @Test func newerVersionKeepsShippedState() {
        var b = Bench([Fixtures.simple("SO-2", waybill: "W2", [("A", 1)])])
        b.scan("W2")
        #expect(b.scan("A").kind == .parcelCompleted)
        b.book.upsert(Fixtures.simple("SO-2", waybill: "W2", [("A", 1)]))
        #expect(b.parcel("SO-2", "SO-2-1")?.shipped == true)
        #expect(b.scan("W2").kind == .alreadyShipped)
    }

    @Test func parcelDroppedFromTheOrderMidVerificationIsIntercepted() {
        var b = Bench([Self.order])
        b.scan("YT001")
        b.book.upsert(
            Fixtures.order(
                "SO-1", lines: [("RAZOR", 2, []), ("CASE", 1, [])], parcels: [("SO-1-9", "YT009", [("RAZOR", 2), ("CASE", 1)])]))
        let o = b.scan("RAZOR")
        #expect(o.kind == .intercepted)
        #expect(b.events.last?.reason == "parcel_removed")
        #expect(b.scan("PACKD:ACK").kind == .acknowledged)
        #expect(b.scan("YT001").kind == .unknownCode)
    }

    @Test func aSecondStationCannotOpenTheParcelSoItShipsOnce() {
        var b = Bench([Fixtures.simple("SO-5", waybill: "W5", [("A", 1), ("B", 1)])])
        b.scan("W5", station: "pack-01")
        b.scan("A", station: "pack-01")
        #expect(b.scan("W5", station: "pack-02").kind == .parcelOpenElsewhere)
        #expect(b.scan("B", station: "pack-01").kind == .parcelCompleted)
        #expect(b.scan("W5", station: "pack-02").kind == .alreadyShipped)
        #expect(b.events.filter { $0.type == .parcelShipped }.count == 1)
    }

    @Test func parcelShippedElsewhereMidVerificationIsNotShippedTwice() {
        var b = Bench([Fixtures.simple("SO-5", waybill: "W5", [("A", 1), ("B", 1)])])
        b.scan("W5", station: "pack-01")
        b.scan("A", station: "pack-01")
        // A shared store says it shipped (another packd, whatever this book believed).
        b.book.restate(ParcelKey(orderId: "SO-5", parcelId: "SO-5-1"), to: .shipped)
        #expect(b.scan("B", station: "pack-01").kind == .alreadyShipped)
        #expect(b.events.filter { $0.type == .parcelShipped }.isEmpty)
    }

    @Test func gtinFormsAndGS1CountAsTheSameItem() {
        let order = Fixtures.simple(
            "SO-6", waybill: "W6", [("CABLE", 6)], barcodes: ["CABLE": ["09501101530003"]])
        var b = Bench([order])
        b.scan("W6")
        let codes = [
            "9501101530003",  // EAN-13
            "09501101530003",  // GTIN-14
            "]E09501101530003",  // EAN-13 with AIM identifier
            "]C10109501101530003\u{1D}10LOT1",  // GS1-128 with batch
            "]d2010950110153000321SERIAL7",  // GS1 DataMatrix with serial
            "(01)09501101530003(17)271231",  // human-readable GS1
        ]
        for (i, code) in codes.enumerated() {
            let o = b.scan(code)
            #expect(o.sku == "CABLE", "code \(code)")
            #expect(o.verified == i + 1, "code \(code)")
        }
        #expect(b.events.map(\.type) == [.parcelShipped])
    }

    @Test func upcAMatchesItsEAN13Form() {
        var b = Bench([Fixtures.simple("SO-7", waybill: "W7", [("TOY", 2)], barcodes: ["TOY": ["0012345678905"]])])
        b.scan("W7")
        #expect(b.scan("012345678905").kind == .itemVerified)
        #expect(b.scan("00012345678905").kind == .parcelCompleted)
    }

    @Test func aWrongCheckDigitIsNotTheGTIN() {
        var b = Bench([Fixtures.simple("SO-8", waybill: "W8", [("TOY", 1)], barcodes: ["TOY": ["4006381333931"]])])
        b.scan("W8")
        #expect(b.scan("4006381333932").kind == .unknownCode)
    }

    @Test func skuMatchingIsCaseSensitiveWaybillMatchingIsNot() {
        var b = Bench([Fixtures.simple("SO-9", waybill: "AbC9", [("Sku-X", 1)])])
        #expect(b.scan("abc9").kind == .parcelOpened)
        #expect(b.scan("SKU-X").kind == .unknownCode)
        b.scan("PACKD:ACK")
        #expect(b.scan("Sku-X").kind == .parcelCompleted)
    }

    @Test func labelPolicyOnOpenPrintsOnceAtOpen() {
        var config = EngineConfig()
        config.labelPolicy = .onOpen
        var b = Bench([Fixtures.simple("SO-10", waybill: "W10", [("A", 1)])], config: config)
        b.scan("W10")
        #expect(b.labels.count == 1)
        b.scan("A")
        #expect(b.labels.count == 1)
    }

    @Test func labelPolicyNeverPrintsNothing() {
        var config = EngineConfig()
        config.labelPolicy = .never
        var b = Bench([Fixtures.simple("SO-10", waybill: "W10", [("A", 1)])], config: config)
        b.scan("W10")
        #expect(b.scan("A").kind == .parcelCompleted)
        #expect(b.labels.isEmpty)
    }

    @Test func engineIsPureTheSameInputsGiveTheSameDecision() {
        let book = OrderBook(orders: [Self.order])
        let engine = ScanEngine()
        var state = StationState(station: "s")
        state.open = OpenParcel(key: ParcelKey(orderId: "SO-1", parcelId: "SO-1-1"), waybill: "YT001")
        let scan = Scan(code: "RAZOR", device: "d", atMs: 5)
        let now = Timestamp(millisecondsSinceEpoch: 1)
        let a = engine.decide(scan, state: state, book: book, now: now)
        let b = engine.decide(scan, state: state, book: book, now: now)
        #expect(a == b)
        #expect(book.parcel(ParcelKey(orderId: "SO-1", parcelId: "SO-1-1"))?.openAt == nil)
    }
}

@Suite struct OrderBookTests {
    @Test func aNewVersionWithFewerParcelsLeavesNoStaleClaim() {
        // Parcel 2 of O is the only waiting single-item parcel of X; the new version
        // of O drops it. Claiming X must find nothing, not the vanished parcel.
        let v1 = Fixtures.order(
            "O", lines: [("X", 1, []), ("Y", 2, [])], parcels: [("O-1", "W1", [("Y", 2)]), ("O-2", "W2", [("X", 1)])])
        let v2 = Fixtures.order("O", lines: [("Y", 2, [])], parcels: [("O-1", "W1", [("Y", 2)])])
        var b = Bench([v1])
        b.book.upsert(v2)
        #expect(b.scan("X").kind == .noPendingOrder)
        #expect(b.scan("W2").kind == .unknownCode)
    }

    @Test func anOrderMarkedShippedByTheERPMidParcelIsLetGo() {
        var b = Bench([Fixtures.simple("O", waybill: "W", [("X", 1), ("Y", 1)])])
        b.scan("W")
        var shipped = Fixtures.simple("O", waybill: "W", status: .shipped, [("X", 1), ("Y", 1)])
        b.book.upsert(shipped)
        #expect(b.scan("X").kind == .alreadyShipped)
        #expect(b.parcel("O", "O-1")?.openAt == nil)
        shipped.status = .approved
        b.book.upsert(shipped)
        b.scan("PACKD:ACK")
        #expect(b.scan("W").kind == .parcelOpened)
    }

    @Test func implicitParcelIdsAreFoundWithoutAnIndexEntry() {
        var b = Bench([
            Fixtures.simple("A-1", waybill: "W1", [("X", 1)]),
            Fixtures.order("B", lines: [("X", 2, [])], parcels: [("B-1", "W2", [("X", 1)]), ("B-2", "W3", [("X", 1)])]),
        ])
        #expect(b.scan("a-1-1").parcel == "A-1-1")
        b.scan("PACKD:CANCEL")
        #expect(b.scan("B-2").parcel == "B-2")
        b.scan("PACKD:CANCEL")
        #expect(b.scan("B-3").kind == .unknownCode)
    }
}
