import Foundation
import Glibc

/// The systemd side of sd_notify: a datagram socket whose path goes in
/// NOTIFY_SOCKET; `wait(for:)` reads messages until one holds the wanted line.
public final class NotifyListener: @unchecked Sendable {
    public let path: String
    private let fd: Int32
    public private(set) var received: [String] = []
    /// The message `wait(for:)` found.
    public private(set) var matched: String?

    public init(path: String) throws {
        self.path = path
        unlink(path)
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, b) in path.utf8.enumerated() where i < raw.count - 1 { raw[i] = b }
        }
        let ok = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard ok == 0 else { throw HTTPClient.ClientError("notify socket \(path): errno \(errno)") }
    }

    deinit {
        close(fd)
        unlink(path)
    }

    /// Reads and forgets every message already sent, without waiting.
    public func drain() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT)) > 0 {}
        received = []
    }

    /// Waits up to `timeout` seconds for a message with the line `line` (like
    /// `READY=1`); returns whether it came. Messages read are then forgotten, so
    /// a restarted program must say it again.
    public func wait(for line: String, timeout: Double) -> Bool {
        defer { received = [] }
        let deadline = Date().addingTimeInterval(timeout)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date() < deadline {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ms = Int32(max(1, deadline.timeIntervalSinceNow * 1000))
            guard poll(&pfd, 1, ms) > 0 else { continue }
            let n = recv(fd, &buffer, buffer.count, 0)
            guard n > 0 else { continue }
            let message = String(decoding: buffer[0..<n], as: UTF8.self)
            received.append(message)
            if message.split(separator: "\n").contains(Substring(line)) {
                matched = message
                return true
            }
        }
        return false
    }
}
