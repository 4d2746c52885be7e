public import PackCore
public import PackStore

/// One page of the core's order feed (contracts.md section 7), decoded order by
/// order: a bad order becomes an input dead letter naming its JSON path and does
/// not cost the rest of the page.
public struct FeedPage: Sendable {
    public var orders: [Order]
    /// Each order's index in the page (for the JSON paths of later errors).
    public var positions: [Int]
    public var rejected: [InputDeadLetter]
    /// The cursor to send next.
    public var cursor: String
    /// How many orders the page held, good and bad (0: caught up).
    public var count: Int

    public struct Unreadable: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public static func decode(_ body: [UInt8], at time: Timestamp, source: String = "core") throws(Unreadable) -> FeedPage {
        let root: JSONValue
        do {
            root = try JSONParser.parse(body)
        } catch {
            if let field = error.valuePath(under: "") {
                throw Unreadable(description: "the page's \(field) cannot be read: \(error.message) (\(error.position))")
            }
            throw Unreadable(description: "the page is not JSON: \(error)")
        }
        guard case .object(let members) = root else { throw Unreadable(description: "the page is not a JSON object") }
        guard case .array(let elements)? = members["orders"] else {
            throw Unreadable(description: "the page has no \"orders\" array")
        }
        guard case .string(let cursor)? = members["cursor"], !cursor.isEmpty, cursor.utf8.count <= 4096 else {
            throw Unreadable(description: "the page has no \"cursor\" string (1 to 4096 bytes)")
        }
        var page = FeedPage(orders: [], positions: [], rejected: [], cursor: cursor, count: elements.count)
        let decoder = OrderDecoder()
        for (index, element) in elements.enumerated() {
            do {
                page.orders.append(try decoder.decodeOrder(element, at: "orders[\(index)]"))
                page.positions.append(index)
            } catch {
                var id: String?
                if case .object(let fields) = element, case .string(let s)? = fields["id"] { id = String(s.prefix(InputLimits.identifierBytes)) }
                page.rejected.append(
                    InputDeadLetter(
                        source: source, orderId: id, path: error.problems.first?.path, error: error.description,
                        body: String(element.serialized().prefix(4000)), at: time))
            }
        }
        return page
    }
}
