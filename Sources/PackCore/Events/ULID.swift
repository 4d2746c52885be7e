/// A ULID: 48 bits of milliseconds and 80 random bits, written as 26 Crockford
/// base-32 characters. Sorts by time; the core dedupes events on it.
public struct ULID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var high: UInt64  // 48-bit time << 16 | top 16 random bits
    public var low: UInt64  // bottom 64 random bits

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    public init(milliseconds: UInt64, random: (UInt16, UInt64)) {
        self.high = (milliseconds & 0xFFFF_FFFF_FFFF) << 16 | UInt64(random.0)
        self.low = random.1
    }

    public var milliseconds: UInt64 { high >> 16 }

    public static func < (a: ULID, b: ULID) -> Bool { (a.high, a.low) < (b.high, b.low) }

    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    public var description: String {
        // 128 bits as 26 groups of 5 bits, the first group holding the top 3 bits.
        var out = [UInt8](repeating: 0, count: 26)
        var hi = high
        var lo = low
        for i in stride(from: 25, through: 0, by: -1) {
            out[i] = ULID.alphabet[Int(lo & 0x1F)]
            lo = lo >> 5 | (hi & 0x1F) << 59
            hi >>= 5
        }
        return String(decoding: out, as: UTF8.self)
    }

    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 26, bytes[0] <= UInt8(ascii: "7") else { return nil }
        var hi: UInt64 = 0
        var lo: UInt64 = 0
        for b in bytes {
            let upper = b >= 97 && b <= 122 ? b - 32 : b
            guard let v = ULID.alphabet.firstIndex(of: upper) else { return nil }
            hi = hi << 5 | lo >> 59
            lo = lo << 5 | UInt64(v)
        }
        self.init(high: hi, low: lo)
    }
}

/// Makes ULIDs that increase strictly, even within one millisecond (the random part
/// is incremented), so the outbox order equals the id order.
public struct ULIDGenerator<RNG: RandomNumberGenerator & Sendable>: Sendable {
    private var rng: RNG
    private var last: ULID?

    public init(rng: RNG) { self.rng = rng }

    public mutating func next(at time: Timestamp) -> ULID {
        let ms = UInt64(max(0, time.millisecondsSinceEpoch))
        if let last, ms <= last.milliseconds {
            // Same (or earlier) millisecond: count up from the previous id.
            let (lo, carry) = last.low.addingReportingOverflow(1)
            let next = ULID(high: last.high &+ (carry ? 1 : 0), low: lo)
            self.last = next
            return next
        }
        let id = ULID(milliseconds: ms, random: (UInt16.random(in: 0...UInt16.max, using: &rng), rng.next()))
        last = id
        return id
    }
}
