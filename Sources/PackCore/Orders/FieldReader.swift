import OrderedCollections

/// Reads typed fields out of a JSON object and records every problem with its
/// path, so that one pass over a file reports all that is wrong with it.
struct FieldReader {
    let limits: OrderLimits
    private(set) var problems: [OrderFieldError] = []

    init(limits: OrderLimits) { self.limits = limits }

    mutating func fail(_ path: String, _ message: String) {
        problems.append(OrderFieldError(path: path, message: message))
    }

    func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    mutating func object(_ value: JSONValue, at path: String) -> OrderedDictionary<String, JSONValue>? {
        guard case .object(let members) = value else {
            fail(path, "must be an object, not \(value.kindName)")
            return nil
        }
        return members
    }

    /// An identifier: required, non-empty, short, no control characters, no
    /// surrounding whitespace (packd reports ids back exactly, so it never trims them).
    mutating func identifier(_ obj: OrderedDictionary<String, JSONValue>, _ key: String, at path: String, required: Bool)
        -> String?
    {
        let p = join(path, key)
        guard let s = string(obj[key], at: p, required: required, maxLength: limits.maxIdentifierLength) else {
            return nil
        }
        return checkIdentifier(s, at: p)
    }

    mutating func checkIdentifier(_ s: String, at p: String) -> String? {
        if s.isEmpty {
            fail(p, "must not be empty")
            return nil
        }
        if s.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            fail(p, "must not contain control characters")
            return nil
        }
        if let first = s.unicodeScalars.first, let last = s.unicodeScalars.last,
            first.properties.isWhitespace || last.properties.isWhitespace
        {
            fail(p, "must not begin or end with whitespace")
            return nil
        }
        return s
    }

    mutating func text(_ obj: OrderedDictionary<String, JSONValue>, _ key: String, at path: String) -> String? {
        string(obj[key], at: join(path, key), required: false, maxLength: limits.maxTextLength)
    }

    mutating func string(_ value: JSONValue?, at p: String, required: Bool, maxLength: Int) -> String? {
        switch value {
        case nil, .null?:
            if required { fail(p, "is required") }
            return nil
        case .string(let s)?:
            let length = s.utf8.count
            if length > maxLength {
                fail(p, "is \(length) bytes long; at most \(maxLength) are allowed")
                return nil
            }
            return s
        case let other?:
            fail(p, "must be a string, not \(other.kindName)")
            return nil
        }
    }

    mutating func positiveInt(_ value: JSONValue?, at p: String, max: Int) -> Int? {
        switch value {
        case nil, .null?:
            fail(p, "is required")
            return nil
        case .int(let n)?:
            if n <= 0 { fail(p, "must be > 0, not \(n)"); return nil }
            if n > Int64(max) { fail(p, "must be at most \(max), not \(n)"); return nil }
            return Int(n)
        case .double(let d)? where d.isFinite && d == d.rounded() && abs(d) < 1e15:
            // 2.0 is 2 (ERPs that keep quantities as floats, Odoo among them, send it so).
            return positiveInt(.int(Int64(d)), at: p, max: max)
        case .double(let d)?:
            fail(p, "must be a whole number, not \(d)")
            return nil
        case let other?:
            fail(p, "must be a number, not \(other.kindName)")
            return nil
        }
    }

    mutating func weight(_ obj: OrderedDictionary<String, JSONValue>, _ key: String, at path: String) -> Double? {
        let p = join(path, key)
        let grams: Double
        switch obj[key] {
        case nil, .null?: return nil
        case .int(let n)?: grams = Double(n)
        case .double(let d)?: grams = d
        case let other?:
            fail(p, "must be a number, not \(other.kindName)")
            return nil
        }
        if let problem = limits.weightProblem(grams) {
            fail(p, problem)
            return nil
        }
        return grams
    }

    mutating func array(_ obj: OrderedDictionary<String, JSONValue>, _ key: String, at path: String, required: Bool)
        -> [JSONValue]?
    {
        let p = join(path, key)
        switch obj[key] {
        case nil, .null?:
            if required { fail(p, "is required") }
            return nil
        case .array(let a)?: return a
        case let other?:
            fail(p, "must be an array, not \(other.kindName)")
            return nil
        }
    }

}
