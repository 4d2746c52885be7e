/// A non-empty list whose first element is stored inline.
///
/// Most orders have one parcel and most parcels one line: keeping the first element
/// inline saves an array allocation per order, which is a third of the memory of a
/// book of a million orders. (An empty Swift array allocates nothing.)
struct InlineList<Element: Sendable>: Sendable, RandomAccessCollection, MutableCollection {
    var head: Element
    var tail: [Element]

    init?(_ elements: some Collection<Element>) {
        guard let first = elements.first else { return nil }
        head = first
        tail = Array(elements.dropFirst())
    }

    var startIndex: Int { 0 }
    var endIndex: Int { tail.count + 1 }

    subscript(position: Int) -> Element {
        get { position == 0 ? head : tail[position - 1] }
        set {
            if position == 0 { head = newValue } else { tail[position - 1] = newValue }
        }
    }
}
