import Glibc

/// Reads a file whole, but never more than a limit: a file's size as `stat` tells
/// it cannot be trusted (a FIFO, /dev/zero, a file still growing), so reading stops
/// one byte past the limit.
public enum BoundedFile {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case cannotOpen(errno: Int32)
        case isDirectory
        case tooLarge(limit: Int)
        case readFailed(errno: Int32)

        public var description: String {
            switch self {
            case .cannotOpen(let e): "cannot be opened: \(String(cString: strerror(e)))"
            case .isDirectory: "is a directory, not a file"
            case .tooLarge(let limit): "is larger than \(limit) bytes, the most read"
            case .readFailed(let e): "cannot be read: \(String(cString: strerror(e)))"
            }
        }
    }

    /// The file's bytes; `-` is standard input when `dashIsStandardInput`.
    public static func read(_ path: String, limit: Int, dashIsStandardInput: Bool = false) throws(Failure) -> [UInt8] {
        if dashIsStandardInput, path == "-" { return try read(descriptor: STDIN_FILENO, limit: limit) }
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw .cannotOpen(errno: errno) }
        defer { close(fd) }
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR { throw .isDirectory }
        // Blocking reads from here on (O_NONBLOCK only kept a FIFO from hanging the open).
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        return try read(descriptor: fd, limit: limit)
    }

    static func read(descriptor fd: Int32, limit: Int) throws(Failure) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, min($0.count, limit + 1 - bytes.count)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .readFailed(errno: errno)
            }
            if n == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<n])
            if bytes.count > limit { throw .tooLarge(limit: limit) }
        }
    }
}
