import CPackdLinux
import Foundation
import Glibc

/// A pseudo-terminal pair: the slave is a real tty for the reader, the master is
/// the test playing the scanner.
public final class PseudoTerminal: @unchecked Sendable {
    public private(set) var master: Int32
    public let slavePath: String

    public init() throws {
        var name = [CChar](repeating: 0, count: 128)
        master = packd_openpt(&name, name.count)
        guard master >= 0 else { throw PTYError.open(errno) }
        slavePath = String(cString: name)
    }

    public func send(_ text: String) { send(Array(text.utf8)) }

    public func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return
            }
            offset += n
        }
    }

    /// Reads what the program writes to its end (a weigh request to a scale)
    /// until `enough` says so or `seconds` pass; returns what was read.
    public func receive(seconds: Double = 20, until enough: ([UInt8]) -> Bool) -> [UInt8] {
        var received: [UInt8] = []
        let deadline = Date().addingTimeInterval(seconds)
        var chunk = [UInt8](repeating: 0, count: 256)
        while !enough(received), Date() < deadline {
            var fd = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            guard poll(&fd, 1, 50) > 0 else { continue }
            let n = chunk.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
            if n > 0 { received += chunk[0..<n] } else if n == 0 || (errno != EINTR && errno != EAGAIN) { break }
        }
        return received
    }

    /// The scanner goes away: the reader sees a hang-up (EIO).
    public func hangUp() {
        if master >= 0 { close(master) }
        master = -1
    }

    deinit { hangUp() }

    public enum PTYError: Error { case open(Int32) }
}
