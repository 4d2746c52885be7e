import PackCore
import PackLabels

/// Reads an input file whole, with a size limit, turning every failure into a message.
enum InputFile {
    static let maxSize = InputLimits.orderFileBytes

    /// `-` is standard input.
    static func read(_ path: String, what: String) throws -> [UInt8] {
        do {
            return try BoundedFile.read(path, limit: maxSize, dashIsStandardInput: true)
        } catch .cannotOpen {
            throw CLIError("\(path): cannot read the \(what) file (missing, or no permission)")
        } catch .isDirectory {
            throw CLIError("\(path): is a directory, not a \(what) file")
        } catch .tooLarge {
            throw CLIError("\(path): the \(what) file is over \(maxSize) bytes, the most read")
        } catch {
            throw CLIError("\(path): cannot read the \(what) file: \(error)")
        }
    }
}
