import Foundation

/// Reads an input file whole, with a size limit, turning every failure into a message.
enum InputFile {
    static let maxSize = 512 << 20

    /// `-` is standard input.
    static func read(_ path: String, what: String) throws -> [UInt8] {
        if path == "-" {
            let data = FileHandle.standardInput.readDataToEndOfFile()
            guard data.count <= maxSize else { throw CLIError("-: the \(what) input is over \(maxSize) bytes") }
            return Array(data)
        }
        let url = URL(fileURLWithPath: path)
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: path)
        } catch {
            throw CLIError("\(path): cannot read the \(what) file (missing, or no permission)")
        }
        if let type = attributes[.type] as? FileAttributeType, type == .typeDirectory {
            throw CLIError("\(path): is a directory, not a \(what) file")
        }
        if let size = attributes[.size] as? Int, size > maxSize {
            throw CLIError("\(path): the \(what) file is \(size) bytes; at most \(maxSize) are read")
        }
        do {
            return Array(try Data(contentsOf: url))
        } catch {
            throw CLIError("\(path): cannot read the \(what) file: \(error.localizedDescription)")
        }
    }
}
