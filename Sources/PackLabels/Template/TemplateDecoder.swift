public import PackCore
import OrderedCollections
import Foundation

/// Reads a template from JSON (docs/labels.md), reporting every problem with its
/// path. Unknown keys are errors: a misspelt `"szie"` must not silently print at
/// the default size on ten thousand labels.
public struct TemplateDecoder: Sendable {
    /// Returns the bytes of an image file named by a template (`"file": "logo.png"`),
    /// relative to the template's own directory.
    public typealias ImageLoader = @Sendable (String) throws -> [UInt8]

    public var imageLoader: ImageLoader?
    public static let maxElements = 500
    public static let maxImageBytes = InputLimits.templateImageBytes

    public init(imageLoader: ImageLoader? = nil) { self.imageLoader = imageLoader }

    public func decode(_ bytes: [UInt8], fallbackName: String) throws(LabelError) -> LabelTemplate {
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes)
        } catch {
            throw LabelError("template", "\(error)")
        }
        var reader = TemplateReader(imageLoader: imageLoader)
        let template = reader.template(document, fallbackName: fallbackName)
        guard reader.problems.isEmpty, let template else {
            throw LabelError(problems: reader.problems)
        }
        return template
    }
}

/// One pass over a template document; `problems` collects what is wrong.
struct TemplateReader {
    let imageLoader: TemplateDecoder.ImageLoader?
    var problems: [LabelProblem] = []

    init(imageLoader: TemplateDecoder.ImageLoader?) { self.imageLoader = imageLoader }

    mutating func fail(_ path: String, _ message: String) {
        problems.append(LabelProblem(subject: path, message: message))
    }

    mutating func template(_ value: JSONValue, fallbackName: String) -> LabelTemplate? {
        guard let root = object(value, at: "template") else { return nil }
        refuseUnknownKeys(root, allowed: ["name", "description", "size", "dpi", "font", "elements"], at: "")
        let name = string(root["name"], at: "name") ?? fallbackName
        let description = string(root["description"], at: "description")
        var widthMm = 0.0
        var heightMm = 0.0
        if let size = root["size"].flatMap({ object($0, at: "size") }) {
            refuseUnknownKeys(size, allowed: ["width", "height"], at: "size")
            widthMm = number(size["width"], at: "size.width", range: 10...300) ?? 0
            heightMm = number(size["height"], at: "size.height", range: 10...600) ?? 0
        } else if root["size"] == nil {
            fail("size", "is required: {\"width\": mm, \"height\": mm}")
        }
        var dpi = 203
        if let value = root["dpi"] {
            if let n = number(value, at: "dpi", range: 0...10_000) {
                if LabelResolution.supported.contains(Int(n)), n == n.rounded() {
                    dpi = Int(n)
                } else {
                    fail("dpi", "must be 203 or 300, not \(n)")
                }
            }
        }
        let font = string(root["font"], at: "font")
        var elements: [LabelElement] = []
        if case .array(let list)? = root["elements"] {
            if list.count > TemplateDecoder.maxElements {
                fail("elements", "has \(list.count) elements; at most \(TemplateDecoder.maxElements) are allowed")
            } else {
                for (i, item) in list.enumerated() {
                    if let element = element(item, at: "elements[\(i)]", label: (widthMm, heightMm)) {
                        elements.append(element)
                    }
                }
            }
        } else {
            fail("elements", root["elements"] == nil ? "is required" : "must be an array")
        }
        return LabelTemplate(
            name: name, description: description, widthMm: widthMm, heightMm: heightMm, dpi: dpi, font: font,
            elements: elements)
    }

    static let commonKeys: Set<String> = ["type", "id", "x", "y", "width", "height"]
    static let keysByType: [String: Set<String>] = [
        "text": ["text", "size", "minSize", "bold", "align", "valign", "fit", "rotation", "inverted", "font"],
        "barcode": ["symbology", "data", "humanReadable", "textSize", "errorCorrection"],
        "line": ["thickness"],
        "box": ["thickness", "filled"],
        "image": ["file", "png"],
    ]

    mutating func element(_ value: JSONValue, at path: String, label: (Double, Double)) -> LabelElement? {
        guard let obj = object(value, at: path) else { return nil }
        let id = string(obj["id"], at: "\(path).id")
        guard let type = string(obj["type"], at: "\(path).type", required: true) else { return nil }
        guard let typeKeys = Self.keysByType[type] else {
            let known = Self.keysByType.keys.sorted().joined(separator: ", ")
            fail("\(path).type", "unknown element type \"\(type)\"; known: \(known)")
            return nil
        }
        refuseUnknownKeys(obj, allowed: Self.commonKeys.union(typeKeys), at: path)
        let frame = self.frame(obj, at: path, label: label, zeroExtentAllowed: type == "line")
        let content: LabelElement.Content?
        switch type {
        case "text": content = text(obj, at: path)
        case "barcode": content = barcode(obj, at: path)
        case "line": content = .line(thicknessMm: number(obj["thickness"], at: "\(path).thickness", range: 0.1...20) ?? 0.3)
        case "box":
            content = .box(
                thicknessMm: number(obj["thickness"], at: "\(path).thickness", range: 0.1...20) ?? 0.3,
                filled: bool(obj["filled"], at: "\(path).filled") ?? false)
        default: content = image(obj, at: path)
        }
        guard let frame, let content else { return nil }
        return LabelElement(path: path, id: id, frame: frame, content: content)
    }

    mutating func frame(
        _ obj: OrderedDictionary<String, JSONValue>, at path: String, label: (width: Double, height: Double),
        zeroExtentAllowed: Bool
    ) -> MillimetreRect? {
        let minExtent = zeroExtentAllowed ? 0.0 : 0.5
        guard let x = number(obj["x"], at: "\(path).x", range: 0...600, required: true),
            let y = number(obj["y"], at: "\(path).y", range: 0...600, required: true),
            let width = number(obj["width"], at: "\(path).width", range: minExtent...600, required: true),
            let height = number(obj["height"], at: "\(path).height", range: minExtent...600, required: true)
        else { return nil }
        // A hundredth of a millimetre of slack for designs measured to the edge.
        if label.width > 0, x + width > label.width + 0.01 {
            fail(path, "extends \(x + width - label.width) mm beyond the label's right edge (\(label.width) mm)")
        }
        if label.height > 0, y + height > label.height + 0.01 {
            fail(path, "extends \(y + height - label.height) mm beyond the label's bottom edge (\(label.height) mm)")
        }
        return MillimetreRect(x: x, y: y, width: width, height: height)
    }

    mutating func text(_ obj: OrderedDictionary<String, JSONValue>, at path: String) -> LabelElement.Content? {
        guard let text = fieldTemplate(obj["text"], at: "\(path).text") else { return nil }
        var style = TextStyle()
        style.size = number(obj["size"], at: "\(path).size", range: 4...200) ?? style.size
        style.minSize = number(obj["minSize"], at: "\(path).minSize", range: 3...200) ?? min(style.minSize, style.size)
        style.bold = bool(obj["bold"], at: "\(path).bold") ?? false
        style.align = choice(obj["align"], at: "\(path).align") ?? .left
        style.verticalAlign = choice(obj["valign"], at: "\(path).valign") ?? .top
        style.fit = choice(obj["fit"], at: "\(path).fit") ?? .ellipsis
        style.inverted = bool(obj["inverted"], at: "\(path).inverted") ?? false
        style.font = string(obj["font"], at: "\(path).font")
        if let r = number(obj["rotation"], at: "\(path).rotation", range: 0...270) {
            if [0, 90, 180, 270].contains(r) { style.rotation = Int(r) } else {
                fail("\(path).rotation", "must be 0, 90, 180 or 270, not \(r)")
            }
        }
        if style.minSize > style.size { fail("\(path).minSize", "is larger than size (\(style.size))") }
        return .text(style, text)
    }

    mutating func barcode(_ obj: OrderedDictionary<String, JSONValue>, at path: String) -> LabelElement.Content? {
        let symbology: Symbology? = choice(obj["symbology"], at: "\(path).symbology", required: true)
        let data = fieldTemplate(obj["data"], at: "\(path).data")
        guard let symbology, let data else { return nil }
        var style = BarcodeStyle(symbology: symbology)
        style.humanReadable = bool(obj["humanReadable"], at: "\(path).humanReadable") ?? false
        style.textSize = number(obj["textSize"], at: "\(path).textSize", range: 4...72) ?? style.textSize
        style.errorCorrection = choice(obj["errorCorrection"], at: "\(path).errorCorrection") ?? .m
        return .barcode(style, data)
    }

    mutating func image(_ obj: OrderedDictionary<String, JSONValue>, at path: String) -> LabelElement.Content? {
        var bytes: [UInt8]?
        if let file = string(obj["file"], at: "\(path).file") {
            guard let imageLoader else {
                fail("\(path).file", "images from files need a template loaded from a file; use \"png\" (base64)")
                return nil
            }
            do { bytes = try imageLoader(file) } catch {
                fail("\(path).file", "cannot read \(file): \(error)")
                return nil
            }
        } else if let base64 = string(obj["png"], at: "\(path).png") {
            guard let data = Data(base64Encoded: base64) else {
                fail("\(path).png", "is not valid base64")
                return nil
            }
            bytes = [UInt8](data)
        } else {
            fail(path, "an image needs \"file\" or \"png\"")
            return nil
        }
        guard let png = bytes else { return nil }
        if png.count > TemplateDecoder.maxImageBytes {
            fail(path, "the image is \(png.count) bytes; at most \(TemplateDecoder.maxImageBytes) are allowed")
            return nil
        }
        guard png.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else {
            fail(path, "the image is not a PNG file")
            return nil
        }
        return .image(LabelImage(png: png))
    }

    // MARK: Typed reads

    mutating func object(_ value: JSONValue, at path: String) -> OrderedDictionary<String, JSONValue>? {
        guard case .object(let members) = value else {
            fail(path, "must be an object, not \(value.kindName)")
            return nil
        }
        return members
    }

    mutating func refuseUnknownKeys(_ obj: OrderedDictionary<String, JSONValue>, allowed: Set<String>, at path: String) {
        for key in obj.keys where !allowed.contains(key) {
            let known = allowed.sorted().joined(separator: ", ")
            fail(path.isEmpty ? key : "\(path).\(key)", "unknown key; allowed here: \(known)")
        }
    }

    mutating func string(_ value: JSONValue?, at path: String, required: Bool = false) -> String? {
        switch value {
        case nil, .null?:
            if required { fail(path, "is required") }
            return nil
        case .string(let s)?: return s
        case let other?:
            fail(path, "must be a string, not \(other.kindName)")
            return nil
        }
    }

    mutating func number(_ value: JSONValue?, at path: String, range: ClosedRange<Double>, required: Bool = false)
        -> Double?
    {
        let n: Double
        switch value {
        case nil, .null?:
            if required { fail(path, "is required") }
            return nil
        case .int(let i)?: n = Double(i)
        case .double(let d)?: n = d
        case let other?:
            fail(path, "must be a number, not \(other.kindName)")
            return nil
        }
        guard range.contains(n) else {
            fail(path, "must be between \(range.lowerBound) and \(range.upperBound), not \(n)")
            return nil
        }
        return n
    }

    mutating func bool(_ value: JSONValue?, at path: String) -> Bool? {
        switch value {
        case nil, .null?: return nil
        case .bool(let b)?: return b
        case let other?:
            fail(path, "must be true or false, not \(other.kindName)")
            return nil
        }
    }

    mutating func choice<T: RawRepresentable & CaseIterable>(_ value: JSONValue?, at path: String, required: Bool = false)
        -> T? where T.RawValue == String
    {
        guard let s = string(value, at: path, required: required) else { return nil }
        if let v = T(rawValue: s) ?? T.allCases.first(where: { $0.rawValue.lowercased() == s.lowercased() }) {
            return v
        }
        fail(path, "must be one of \(T.allCases.map(\.rawValue).joined(separator: ", ")), not \"\(s)\"")
        return nil
    }

    mutating func fieldTemplate(_ value: JSONValue?, at path: String) -> FieldTemplate? {
        guard let s = string(value, at: path, required: true) else { return nil }
        do {
            return try FieldTemplate(parsing: s)
        } catch {
            fail(path, error.message)
            return nil
        }
    }
}
