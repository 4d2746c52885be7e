/// Text with `{field}` placeholders, e.g. `"{recipient.city} {recipient.postalCode}"`.
/// `{{` and `}}` stand for literal braces. Parsed once when the template loads, so
/// an unknown field is a template error, not a surprise on the thousandth label.
public struct FieldTemplate: Sendable, Equatable {
    public enum Part: Sendable, Equatable {
        case literal(String)
        case field(String)
    }

    public var parts: [Part]

    public init(parts: [Part]) { self.parts = parts }

    /// Parses `text`; throws a message naming the first problem.
    public init(parsing text: String) throws(FieldTemplateError) {
        var parts: [Part] = []
        var literal = ""
        var index = text.startIndex
        while index < text.endIndex {
            let c = text[index]
            let next = text.index(after: index)
            if c == "{" {
                if next < text.endIndex, text[next] == "{" {
                    literal.append("{")
                    index = text.index(after: next)
                    continue
                }
                guard let close = text[next...].firstIndex(of: "}") else {
                    throw FieldTemplateError(message: "an opening { has no closing }")
                }
                let name = String(text[next..<close]).trimmingCharacters(in: .whitespaces)
                guard LabelFields.isKnown(name) else {
                    throw FieldTemplateError(message: "unknown field {\(name)}; known: \(LabelFields.summary)")
                }
                if !literal.isEmpty { parts.append(.literal(literal)) }
                literal = ""
                parts.append(.field(name))
                index = text.index(after: close)
            } else if c == "}" {
                guard next < text.endIndex, text[next] == "}" else {
                    throw FieldTemplateError(message: "a closing } has no opening { (write }} for a brace)")
                }
                literal.append("}")
                index = text.index(after: next)
            } else {
                literal.append(c)
                index = next
            }
        }
        if !literal.isEmpty { parts.append(.literal(literal)) }
        self.parts = parts
    }

    /// The fields this template reads.
    public var fieldNames: [String] {
        parts.compactMap { if case .field(let name) = $0 { name } else { nil } }
    }

    /// The text with every field replaced by its value (empty when absent).
    public func resolve(_ data: LabelData) -> String {
        var out = ""
        for part in parts {
            switch part {
            case .literal(let s): out += s
            case .field(let name): out += data[name] ?? ""
            }
        }
        return out
    }
}

public struct FieldTemplateError: Error, Sendable, Equatable {
    public var message: String
}
