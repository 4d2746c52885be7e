import Foundation

/// Where templates come from: the ones built into packd (templates/ in the
/// source tree), overridden by same-named `*.json` files in configured directories,
/// or a template file named by path.
public struct TemplateCatalog: Sendable {
    public struct Entry: Sendable {
        public var template: LabelTemplate
        /// `bundled`, or the file it was read from.
        public var source: String
    }

    public var directories: [String]

    public init(directories: [String] = []) { self.directories = directories }

    /// Every template, by name; configured directories win over bundled ones.
    /// Throws on the first template file that does not load, naming it.
    public func all() throws(LabelError) -> [Entry] {
        var byName: [String: Entry] = [:]
        for source in BundledTemplates.sources {
            byName[source.name] = Entry(template: try Self.bundled(source), source: "bundled")
        }
        for directory in directories {
            let files: [String]
            do {
                files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".json") }
            } catch {
                throw LabelError(directory, "cannot list templates: \(error.localizedDescription)")
            }
            for file in files.sorted() {
                let entry = try load(file: "\(directory)/\(file)")
                byName[entry.template.name] = entry
            }
        }
        return byName.values.sorted { $0.template.name < $1.template.name }
    }

    /// A template by name, or by path when `nameOrFile` names a file.
    public func template(_ nameOrFile: String) throws(LabelError) -> LabelTemplate {
        if nameOrFile.contains("/") || nameOrFile.hasSuffix(".json") {
            return try load(file: nameOrFile).template
        }
        for directory in directories.reversed() {
            let path = "\(directory)/\(nameOrFile).json"
            if FileManager.default.fileExists(atPath: path) { return try load(file: path).template }
        }
        if let source = BundledTemplates.sources.first(where: { $0.name == nameOrFile }) {
            return try Self.bundled(source)
        }
        let known = (try? all().map(\.template.name).joined(separator: ", ")) ?? ""
        throw LabelError("template", "no template named \"\(nameOrFile)\"; known: \(known)")
    }

    public func load(file path: String) throws(LabelError) -> Entry {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LabelError(path, "cannot read the template file")
        }
        let directory = (path as NSString).deletingLastPathComponent
        let decoder = TemplateDecoder(imageLoader: { name in
            let imagePath = name.hasPrefix("/") ? name : "\(directory.isEmpty ? "." : directory)/\(name)"
            guard let bytes = FileManager.default.contents(atPath: imagePath) else {
                throw LabelError(imagePath, "cannot read the image file")
            }
            return [UInt8](bytes)
        })
        let fallback = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        do {
            return Entry(template: try decoder.decode([UInt8](data), fallbackName: fallback), source: path)
        } catch {
            throw LabelError(problems: error.problems.map { LabelProblem(subject: "\(path): \($0.subject)", message: $0.message) })
        }
    }

    private static func bundled(_ source: (name: String, json: String)) throws(LabelError) -> LabelTemplate {
        try TemplateDecoder().decode(Array(source.json.utf8), fallbackName: source.name)
    }
}
