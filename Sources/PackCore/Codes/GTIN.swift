/// Global Trade Item Numbers. EAN-8, UPC-A (12), EAN-13 and GTIN-14 forms of one
/// number are one item; packd compares them as 14 digits.
public enum GTIN {
    /// The 14-digit form of a valid GTIN-8/12/13/14 (check digit verified), or nil.
    public static func normalize(_ code: String) -> String? {
        let utf8 = code.utf8
        switch utf8.count {
        case 8, 12, 13, 14: break
        default: return nil
        }
        guard utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        guard hasValidCheckDigit(utf8) else { return nil }
        return String(repeating: "0", count: 14 - utf8.count) + code
    }

    /// The GS1 mod-10 check: weights 3,1,3,... from the digit left of the check digit.
    static func hasValidCheckDigit(_ digits: String.UTF8View) -> Bool {
        var sum = 0
        var weight = 3
        var check = 0
        for (i, b) in digits.reversed().enumerated() {
            let d = Int(b - 48)
            if i == 0 {
                check = d
                continue
            }
            sum += d * weight
            weight = weight == 3 ? 1 : 3
        }
        return (10 - sum % 10) % 10 == check
    }

    /// Computes the check digit for the digits given (without one).
    public static func checkDigit(for body: String) -> Int {
        var sum = 0
        var weight = 3
        for b in body.utf8.reversed() {
            sum += Int(b - 48) * weight
            weight = weight == 3 ? 1 : 3
        }
        return (10 - sum % 10) % 10
    }
}
