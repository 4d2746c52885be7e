import Foundation
import Glibc

/// Writes a command's output file in place: opened, truncated, written. Not with
/// `FileManager.createFile`, which writes a temporary file and renames it over the
/// path: run as root with `-o /dev/null`, that replaced the device with a plain
/// file, and it cannot write to a FIFO another program reads.
enum OutputFile {
    static func write(_ bytes: [UInt8], to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CLIError("\(path): cannot write: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw CLIError("\(path): cannot write: \(String(cString: strerror(errno)))")
            }
            offset += n
        }
    }
}
