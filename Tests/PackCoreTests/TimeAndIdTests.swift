import PackCore
import Testing

@Suite struct TimeAndIdTests {
    @Test(arguments: [
        ("2026-11-22T08:00:00Z", Int64(1_795_334_400_000)),
        ("2026-11-22T09:15:02.120Z", Int64(1_795_338_902_120)),
        ("2026-11-22T16:00:00+08:00", Int64(1_795_334_400_000)),
        ("1970-01-01T00:00:00Z", Int64(0)),
        ("2024-02-29T23:59:59.999Z", Int64(1_709_251_199_999)),
    ])
    func rfc3339Parses(_ text: String, _ ms: Int64) {
        #expect(Timestamp(rfc3339: text)?.millisecondsSinceEpoch == ms)
    }

    @Test(arguments: ["2026-02-30T00:00:00Z", "2026-11-22", "2026-11-22T08:00:00", "2026-13-01T00:00:00Z", "x"])
    func rfc3339RejectsBadTimes(_ text: String) {
        #expect(Timestamp(rfc3339: text) == nil)
    }

    @Test func formatsWithMillisecondsInUTC() {
        #expect(Timestamp(millisecondsSinceEpoch: 1_795_338_902_120).rfc3339 == "2026-11-22T09:15:02.120Z")
        #expect(Timestamp(millisecondsSinceEpoch: 0).rfc3339 == "1970-01-01T00:00:00.000Z")
    }

    @Test func formatAndParseRoundTripOverCenturies() {
        var rng = SplitMix64(seed: 7)
        for _ in 0..<2000 {
            let ms = Int64.random(in: 0...4_102_444_800_000, using: &rng)
            let t = Timestamp(millisecondsSinceEpoch: ms)
            #expect(Timestamp(rfc3339: t.rfc3339) == t)
        }
    }

    @Test func ulidsAreCrockfordAndStrictlyIncreasing() {
        var gen = ULIDGenerator(rng: SplitMix64(seed: 1))
        let t = Timestamp(millisecondsSinceEpoch: 1_795_338_902_120)
        var previous: ULID?
        for i in 0..<1000 {
            let id = gen.next(at: t.adding(milliseconds: Int64(i / 10)))
            let text = id.description
            #expect(text.count == 26)
            #expect(text.allSatisfy { "0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains($0) })
            #expect(ULID(text) == id)
            if let previous {
                #expect(previous < id)
                #expect(previous.description < text)
            }
            previous = id
        }
        #expect(gen.next(at: t).milliseconds >= UInt64(t.millisecondsSinceEpoch))
    }

    @Test func ulidEncodesItsTime() {
        let id = ULID(milliseconds: 1_469_918_176_385, random: (0, 0))
        #expect(id.description.hasPrefix("01ARYZ6S41"))
    }
}

@Suite struct StationStateJSONTests {
    @Test func roundTripsWithoutDebounceTimes() throws {
        var s = StationState(station: "pack-01")
        s.operatorId = "op-7"
        s.open = OpenParcel(key: ParcelKey(orderId: "SO-1", parcelId: "SO-1-1"), waybill: "YT1", verified: ["A": 2, "B": 0])
        s.pendingError = PendingError(kind: .wrongItem, code: "X\u{1D}Y", message: "Wrong item")
        s.lastLabel = ParcelKey(orderId: "SO-0", parcelId: "SO-0-1")
        s.lastScans["gun"] = RecentScan(code: "A", atMs: 5)
        let back = try StationState(json: try JSONParser.parse(s.json.serialized()))
        var expected = s
        expected.lastScans = [:]
        #expect(back == expected)
        #expect(!back.durablyDiffers(from: s))
    }

    @Test func refusesADamagedState() {
        #expect(throws: StationState.DecodingError.self) {
            try StationState(json: ["station": "s", "pendingError": ["kind": "exploded", "code": "x"]])
        }
        #expect(throws: StationState.DecodingError.self) { try StationState(json: ["open": nil]) }
    }
}
