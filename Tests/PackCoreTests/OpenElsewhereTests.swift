import PackCore
import Testing

/// One parcel, two stations: only the first verifies it; a shared store's word
/// on a parcel's state replaces the book's.
@Suite struct OpenElsewhereTests {
    static let razor = Fixtures.simple("SO-1", waybill: "YT001", [("RAZOR", 2)])
    static let mug = Fixtures.simple("SO-2", waybill: "YT002", [("MUG", 1)])

    @Test func aParcelOpenAtAnotherStationSaysWhereAndChangesNothing() {
        var b = Bench([Self.razor])
        #expect(b.scan("YT001", station: "pack-01").kind == .parcelOpened)
        let other = b.scan("YT001", station: "pack-02")
        #expect(other.kind == .parcelOpenElsewhere)
        #expect(other.message.contains("pack-01"))
        // Nothing but the error sound: no book change, no label, no event.
        #expect(b.lastEffects == [.sound(.error)])
        #expect(b.state("pack-02").open == nil)
        // Not an error that stays: the next scan is acted on.
        #expect(b.state("pack-02").pendingError == nil)
        #expect(b.parcel("SO-1", "SO-1-1")?.openAt == "pack-01")
        // The first station goes on as if nothing happened.
        #expect(b.scan("RAZOR", station: "pack-01").kind == .itemVerified)
    }

    @Test func theSameStationScanningItsOwnParcelAgainIsStillOpened() {
        var b = Bench([Self.razor])
        b.scan("YT001")
        #expect(b.scan("YT001").kind == .parcelOpened)
    }

    @Test func restateOverridesWhatTheBookApplied() {
        var b = Bench([Self.mug])
        // This book claimed and shipped SO-2, but the store says another packd has it open.
        #expect(b.scan("MUG").kind == .singleItemClaimed)
        let key = ParcelKey(orderId: "SO-2", parcelId: "SO-2-1")
        let known = b.book.restate(key, to: .open(station: "far-07"))
        #expect(known)
        #expect(b.parcel("SO-2", "SO-2-1")?.shipped == false)
        #expect(b.parcel("SO-2", "SO-2-1")?.openAt == "far-07")
        #expect(b.scan("MUG", station: "pack-03").kind == .noPendingOrder)
        #expect(b.scan("YT002", station: "pack-03").kind == .parcelOpenElsewhere)
        // Released there: claimable again, once.
        b.book.restate(key, to: .pending)
        #expect(b.scan("MUG", station: "pack-04").kind == .singleItemClaimed)
        #expect(b.scan("MUG", station: "pack-05").kind == .noPendingOrder)
        b.book.restate(key, to: .shipped)
        #expect(b.parcel("SO-2", "SO-2-1")?.shipped == true)
        let unknown = b.book.restate(ParcelKey(orderId: "SO-9", parcelId: "SO-9-1"), to: .shipped)
        #expect(!unknown)
    }
}
