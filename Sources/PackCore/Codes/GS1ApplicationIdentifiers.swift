/// How long an application identifier (AI) is and how long its data may be.
struct AISpec: Sendable, Equatable {
    var aiLength: Int
    /// The data is exactly this long (a GS after it is allowed but not needed).
    var fixedLength: Int?
    var maxLength: Int
    var numeric: Bool

    func accepts(_ data: ArraySlice<UInt8>) -> Bool {
        if numeric { return data.allSatisfy { $0 >= 48 && $0 <= 57 } }
        // GS1 character sets 82, 39 and 64 are all printable ASCII without space;
        // packd matches codes, it does not police them, so any of it is taken.
        return data.allSatisfy { $0 > 0x20 && $0 < 0x7F }
    }
}

/// Every AI of the GS1 General Specifications (release 24, §3.2), by the length
/// and kind of its data. Components of one AI are summed: `421` (N3 + X..9) takes
/// up to 12 characters. Built once, looked up by the AI's digits.
public enum GS1ApplicationIdentifiers {
    /// The AI at `i`: GS1 AIs are prefix-free, so the 2, 3 or 4 digits that name
    /// one are found by trying each length.
    static func lookup(_ b: [UInt8], at i: Int) -> AISpec? {
        var key = 0
        for length in 1...4 {
            let k = i + length - 1
            guard k < b.count, b[k] >= 48, b[k] <= 57 else { return nil }
            key = key * 10 + Int(b[k] - 48)
            if length >= 2, let spec = table[key &* 10 &+ length] { return spec }
        }
        return nil
    }

    /// Whether the digits `ai` are an AI of the table.
    public static func isKnown(_ ai: String) -> Bool { dataLength(ofAI: ai) != nil }

    /// How long the data of the AI `ai` is: `fixed` when it has one length.
    public static func dataLength(ofAI ai: String) -> (fixed: Int?, max: Int)? {
        let bytes = Array(ai.utf8)
        guard let spec = lookup(bytes, at: 0), spec.aiLength == bytes.count else { return nil }
        return (spec.fixedLength, spec.maxLength)
    }

    /// AI digits × 10 + AI length (so "01" and "001" differ) → spec.
    private static let table: [Int: AISpec] = {
        var table: [Int: AISpec] = [:]
        for entry in entries {
            let digits = entry.first.utf8.count
            let first = Int(entry.first)!
            let last = Int(entry.last)!
            for ai in first...last {
                let spec = AISpec(
                    aiLength: digits, fixedLength: entry.fixed ? entry.length : nil, maxLength: entry.length,
                    numeric: entry.numeric)
                table[ai * 10 + digits] = spec
            }
        }
        return table
    }()

    private struct Entry {
        var first: String
        var last: String
        var fixed: Bool
        var length: Int
        var numeric: Bool
    }

    /// Fixed-length numeric data (for one AI, or each of a range).
    private static func n(_ ai: String, _ length: Int) -> Entry { n(ai, ai, length) }
    private static func n(_ first: String, _ last: String, _ length: Int) -> Entry {
        Entry(first: first, last: last, fixed: true, length: length, numeric: true)
    }
    /// Numeric data of up to `length` digits.
    private static func nv(_ ai: String, _ length: Int) -> Entry { nv(ai, ai, length) }
    private static func nv(_ first: String, _ last: String, _ length: Int) -> Entry {
        Entry(first: first, last: last, fixed: false, length: length, numeric: true)
    }
    /// Fixed-length alphanumeric data.
    private static func x(_ ai: String, _ length: Int) -> Entry {
        Entry(first: ai, last: ai, fixed: true, length: length, numeric: false)
    }
    /// Alphanumeric data of up to `length` characters.
    private static func xv(_ ai: String, _ length: Int) -> Entry { xv(ai, ai, length) }
    private static func xv(_ first: String, _ last: String, _ length: Int) -> Entry {
        Entry(first: first, last: last, fixed: false, length: length, numeric: false)
    }

    private static let entries: [Entry] = [
        // Identification keys and their qualifiers.
        n("00", 18), n("01", 14), n("02", 14), xv("10", 20),
        n("11", 6), n("12", 6), n("13", 6), n("15", 6), n("16", 6), n("17", 6),
        n("20", 2), xv("21", 20), xv("22", 20), xv("235", 28), xv("240", 30), xv("241", 30), nv("242", 6),
        xv("243", 20), xv("250", 30), xv("251", 30), xv("253", 30), xv("254", 20), nv("255", 25),
        nv("30", 8),
        // Trade and logistic measures (the fourth digit places the decimal point).
        n("3100", "3105", 6), n("3110", "3115", 6), n("3120", "3125", 6), n("3130", "3135", 6), n("3140", "3145", 6),
        n("3150", "3155", 6), n("3160", "3165", 6), n("3200", "3205", 6), n("3210", "3215", 6), n("3220", "3225", 6),
        n("3230", "3235", 6), n("3240", "3245", 6), n("3250", "3255", 6), n("3260", "3265", 6), n("3270", "3275", 6),
        n("3280", "3285", 6), n("3290", "3295", 6), n("3300", "3305", 6), n("3310", "3315", 6), n("3320", "3325", 6),
        n("3330", "3335", 6), n("3340", "3345", 6), n("3350", "3355", 6), n("3360", "3365", 6), n("3370", "3375", 6),
        n("3400", "3405", 6), n("3410", "3415", 6), n("3420", "3425", 6), n("3430", "3435", 6), n("3440", "3445", 6),
        n("3450", "3455", 6), n("3460", "3465", 6), n("3470", "3475", 6), n("3480", "3485", 6), n("3490", "3495", 6),
        n("3500", "3505", 6), n("3510", "3515", 6), n("3520", "3525", 6), n("3530", "3535", 6), n("3540", "3545", 6),
        n("3550", "3555", 6), n("3560", "3565", 6), n("3570", "3575", 6), n("3600", "3605", 6), n("3610", "3615", 6),
        n("3620", "3625", 6), n("3630", "3635", 6), n("3640", "3645", 6), n("3650", "3655", 6), n("3660", "3665", 6),
        n("3670", "3675", 6), n("3680", "3685", 6), n("3690", "3695", 6),
        nv("37", 8),
        // Amounts and prices.
        nv("3900", "3909", 15), nv("3910", "3919", 18), nv("3920", "3929", 15), nv("3930", "3939", 18),
        n("3940", "3943", 4), n("3950", "3955", 6),
        // Orders, locations, shipping.
        xv("400", 30), xv("401", 30), n("402", 17), xv("403", 30),
        n("410", 13), n("411", 13), n("412", 13), n("413", 13), n("414", 13), n("415", 13), n("416", 13), n("417", 13),
        xv("420", 20), xv("421", 12), n("422", 3), nv("423", 15), n("424", 3), nv("425", 15), n("426", 3), xv("427", 3),
        xv("4300", 35), xv("4301", 35), xv("4302", 70), xv("4303", 70), xv("4304", 70), xv("4305", 70), xv("4306", 70),
        x("4307", 2), xv("4308", 30), n("4309", 20), xv("4310", 35), xv("4311", 35), xv("4312", 70), xv("4313", 70),
        xv("4314", 70), xv("4315", 70), xv("4316", 70), x("4317", 2), xv("4318", 20), xv("4319", 30), xv("4320", 35),
        n("4321", 1), n("4322", 1), n("4323", 1), n("4324", 10), n("4325", 10), n("4326", 6),
        xv("4330", 7), xv("4331", 7), xv("4332", 7), xv("4333", 7),
        // Sector-specific.
        n("7001", 13), xv("7002", 30), n("7003", 10), nv("7004", 4), xv("7005", 12), n("7006", 6), nv("7007", 12),
        xv("7008", 3), xv("7009", 10), xv("7010", 2), nv("7011", 10), xv("7020", 20), xv("7021", 20), xv("7022", 20),
        xv("7023", 30), xv("7030", "7039", 30), x("7040", 4), xv("710", "716", 20), xv("7230", "7239", 30),
        xv("7240", 20), n("7241", 2), xv("7242", 25), n("7250", 8), n("7251", 12), n("7252", 1), xv("7253", 40),
        xv("7254", 40), xv("7255", 10), xv("7256", 90), xv("7257", 70), x("7258", 3), xv("7259", 40),
        n("8001", 14), xv("8002", 20), xv("8003", 30), xv("8004", 30), n("8005", 6), n("8006", 18), xv("8007", 34),
        nv("8008", 12), xv("8009", 50), xv("8010", 30), nv("8011", 12), xv("8012", 20), xv("8013", 25),
        n("8017", 18), n("8018", 18), nv("8019", 10), xv("8020", 25), n("8026", 18), xv("8030", 90),
        xv("8110", 70), n("8111", 4), xv("8112", 70), xv("8200", 70),
        // Company internal.
        xv("90", 30), xv("91", "99", 90),
    ]
}
