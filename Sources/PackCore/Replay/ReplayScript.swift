/// One line of a replay's scans file (contracts.md section 3).
public enum ReplayStep: Sendable, Equatable {
    case scan(Scan)
    /// A new version of an order arriving at that point (a status change mid-verification).
    case upsert(Order)
}

public struct ReplayInputError: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var message: String

    public var description: String { "line \(line): \(message)" }
}

/// Reads SCANS.jsonl: `{"code": "...", "at_ms": 1200, "device": "s1"}` or `{"order": {...}}` a line.
public enum ReplayScript {
    public static let maxCodeLength = InputLimits.scanCodeBytes
    /// A century of milliseconds: far beyond any packing session, and far from
    /// overflowing the clock arithmetic.
    public static let maxAtMs: Int64 = 3_155_760_000_000

    public static func parse(_ bytes: [UInt8], decoder: OrderDecoder = OrderDecoder()) throws(ReplayInputError)
        -> [ReplayStep]
    {
        var steps: [ReplayStep] = []
        var previousAt: Int64?
        var lineNumber = 0
        var start = 0
        while start <= bytes.count {
            lineNumber += 1
            let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
            let line = Array(bytes[start..<end])
            start = end + 1
            guard line.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { continue }
            if let step = try parseLine(line, number: lineNumber, previousAt: &previousAt, decoder: decoder) {
                steps.append(step)
            }
        }
        return steps
    }

    private static func parseLine(
        _ line: [UInt8], number: Int, previousAt: inout Int64?, decoder: OrderDecoder
    ) throws(ReplayInputError) -> ReplayStep? {
        func fail(_ message: String) -> ReplayInputError { ReplayInputError(line: number, message: message) }
        let value: JSONValue
        do {
            value = try JSONParser.parse(line)
        } catch {
            if let field = error.valuePath(under: "") {
                throw fail("\(field): \(error.message) (column \(error.position.column))")
            }
            throw fail("not valid JSON: column \(error.position.column): \(error.message)")
        }
        guard case .object(let members) = value else { throw fail("must be a JSON object, not \(value.kindName)") }
        if let order = members["order"] {
            do {
                return .upsert(try decoder.decodeOrder(order, at: "order"))
            } catch {
                throw fail(error.problems.map(\.description).joined(separator: "; "))
            }
        }
        guard let codeValue = members["code"] else { throw fail("\"code\" is required (or \"order\")") }
        guard case .string(let code) = codeValue else { throw fail("\"code\" must be a string, not \(codeValue.kindName)") }
        guard code.utf8.count <= maxCodeLength else {
            throw fail("\"code\" is \(code.utf8.count) bytes long; at most \(maxCodeLength) are allowed")
        }
        let at: Int64
        switch members["at_ms"] {
        case nil, .null?:
            at = (previousAt ?? -1000) + 1000
            guard at <= maxAtMs else { throw fail("\"at_ms\" would pass \(maxAtMs) (a century)") }
        case .int(let n)?:
            guard n >= 0 else { throw fail("\"at_ms\" must be >= 0, not \(n)") }
            guard n <= maxAtMs else { throw fail("\"at_ms\" must be at most \(maxAtMs) (a century), not \(n)") }
            if let previousAt, n < previousAt {
                throw fail("\"at_ms\" goes back in time (\(n) after \(previousAt)); scans must be in time order")
            }
            at = n
        case let other?:
            throw fail("\"at_ms\" must be a whole number of milliseconds, not \(other.kindName)")
        }
        previousAt = at
        let device: String
        switch members["device"] {
        case nil, .null?: device = "replay"
        case .string(let s)? where !s.isEmpty && s.utf8.count <= 256: device = s
        case let other?: throw fail("\"device\" must be a non-empty string of at most 256 bytes, not \(other.kindName)")
        }
        return .scan(Scan(code: code, device: device, atMs: at))
    }
}
