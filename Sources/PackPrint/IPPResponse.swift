import CCups

/// The attribute groups of an IPP response, copied out of libcups' memory: for
/// each group (printer, job...), attribute name to its values as text.
public struct IPPResponse: Sendable {
    public struct Group: Sendable {
        public var tag: Int32
        public var attributes: [String: [String]]

        public func string(_ name: String) -> String? { attributes[name]?.first }
        public func integer(_ name: String) -> Int? { attributes[name]?.first.flatMap { Int($0) } }
        public func strings(_ name: String) -> [String] { attributes[name] ?? [] }
    }

    public var groups: [Group]

    init(_ ipp: OpaquePointer) {
        var groups: [Group] = []
        var current: Group?
        var attribute = ippFirstAttribute(ipp)
        while let a = attribute {
            defer { attribute = ippNextAttribute(ipp) }
            let tag = Int32(ippGetGroupTag(a).rawValue)
            guard let namePointer = ippGetName(a) else {
                // A separator between two groups of the same tag.
                if let g = current { groups.append(g) }
                current = nil
                continue
            }
            if current == nil || current!.tag != tag {
                if let g = current { groups.append(g) }
                current = Group(tag: tag, attributes: [:])
            }
            current!.attributes[String(cString: namePointer)] = Self.values(a)
        }
        if let g = current { groups.append(g) }
        self.groups = groups
    }

    private static func values(_ a: OpaquePointer) -> [String] {
        let count = ippGetCount(a)
        let tag = ippGetValueTag(a)
        return (0..<count).map { i in
            switch tag {
            case IPP_TAG_INTEGER, IPP_TAG_ENUM: return String(ippGetInteger(a, i))
            case IPP_TAG_BOOLEAN: return ippGetBoolean(a, i) != 0 ? "true" : "false"
            default: return ippGetString(a, i, nil).map { String(cString: $0) } ?? ""
            }
        }
    }

    func groups(tag: ipp_tag_t) -> [Group] { groups.filter { $0.tag == Int32(tag.rawValue) } }
}
