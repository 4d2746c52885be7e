import Foundation
import PackCore

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

    /// A template by name, or by path when `nameOrFile` names a file: for the
    /// operator's `--template`, never for order data (see `template(named:)`).
    public func template(_ nameOrFile: String) throws(LabelError) -> LabelTemplate {
        if nameOrFile.contains("/") || nameOrFile.hasSuffix(".json") {
            return try load(file: nameOrFile).template
        }
        return try template(named: nameOrFile)
    }

    /// A template of the catalogue by its name: a configured directory's
    /// `<name>.json`, or a bundled one. A name that could reach outside the
    /// directory (a path, a leading dot) names no template.
    public func template(named name: String) throws(LabelError) -> LabelTemplate {
        if !name.contains("/"), !name.hasPrefix("."), !name.isEmpty {
            for directory in directories.reversed() {
                let path = "\(directory)/\(name).json"
                if FileManager.default.fileExists(atPath: path) { return try load(file: path).template }
            }
            if let source = BundledTemplates.sources.first(where: { $0.name == name }) {
                return try Self.bundled(source)
            }
        }
        let known = (try? all().map(\.template.name).joined(separator: ", ")) ?? ""
        throw LabelError("template", "no template named \"\(name)\"; known: \(known)")
    }

    public func load(file path: String) throws(LabelError) -> Entry {
        let data: [UInt8]
        do {
            data = try BoundedFile.read(path, limit: InputLimits.templateFileBytes)
        } catch {
            throw LabelError(path, "the template file \(error)")
        }
        let directory = (path as NSString).deletingLastPathComponent
        let decoder = TemplateDecoder(imageLoader: { name in
            try Self.image(named: name, in: directory.isEmpty ? "." : directory)
        })
        let fallback = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        do {
            return Entry(template: try decoder.decode(data, fallbackName: fallback), source: path)
        } catch {
            throw LabelError(problems: error.problems.map { LabelProblem(subject: "\(path): \($0.subject)", message: $0.message) })
        }
    }

    /// An image a template names: a file in the template's own directory or below
    /// it, never outside (no absolute path, no "..", no symbolic link out).
    static func image(named name: String, in directory: String) throws(LabelError) -> [UInt8] {
        let components = name.split(separator: "/", omittingEmptySubsequences: false)
        guard !name.hasPrefix("/"), !components.contains(where: { $0 == ".." || $0.isEmpty }) else {
            throw LabelError(name, "an image must be a file in the template's directory (no absolute path, no \"..\")")
        }
        let path = "\(directory)/\(name)"
        guard let realDirectory = realpath(directory, nil), let realImage = realpath(path, nil) else {
            throw LabelError(path, "cannot read the image file")
        }
        defer { free(realDirectory); free(realImage) }
        let base = String(cString: realDirectory)
        guard String(cString: realImage).hasPrefix(base == "/" ? "/" : base + "/") else {
            throw LabelError(path, "the image is outside the template's directory (a symbolic link out of it)")
        }
        do {
            return try BoundedFile.read(path, limit: InputLimits.templateImageBytes)
        } catch {
            throw LabelError(path, "the image file \(error)")
        }
    }

    private static func bundled(_ source: (name: String, json: String)) throws(LabelError) -> LabelTemplate {
        try TemplateDecoder().decode(Array(source.json.utf8), fallbackName: source.name)
    }
}
