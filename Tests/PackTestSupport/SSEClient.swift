import Foundation
import Glibc

/// A Server-Sent Events subscriber on one connection: `next` returns the next
/// message, or throws once its time limit passes. The limit is for the message,
/// not for each read: packd's keep-alive comments (every 16 s) would otherwise
/// keep a wait for a message that never comes alive for ever.
public final class SSEClient: @unchecked Sendable {
    public struct Message: Sendable, Equatable {
        public var id: String?
        public var event: String
        public var data: String
    }

    public let status: Int
    private let fd: Int32
    private var decoder = ChunkedDecoder()
    private var text = ""
    private let timeout: Double

    public init(port: Int, path: String, token: String?, lastEventId: String? = nil, timeout: Double = 30) throws {
        self.timeout = timeout
        fd = try HTTPClient.connectLoopback(port: port, timeout: timeout)
        let deadline = Date().addingTimeInterval(timeout)
        var head = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAccept: text/event-stream\r\n"
        if let token { head += "Authorization: Bearer \(token)\r\n" }
        if let lastEventId { head += "Last-Event-ID: \(lastEventId)\r\n" }
        head += "\r\n"
        try HTTPClient.writeAll(fd, Array(head.utf8))
        var raw: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while HTTPClient.find([13, 10, 13, 10], in: raw, from: 0) == nil {
            try Self.waitReadable(fd, until: deadline, "SSE \(path): no answer")
            let n = read(fd, &buffer, buffer.count)
            guard n > 0 else { throw HTTPClient.ClientError("SSE \(path): no answer") }
            raw += buffer[0..<n]
        }
        let split = HTTPClient.find([13, 10, 13, 10], in: raw, from: 0)!
        let statusLine = String(decoding: raw[0..<split], as: UTF8.self).components(separatedBy: "\r\n")[0]
        status = Int(statusLine.split(separator: " ")[1]) ?? 0
        text = String(decoding: decoder.feed(Array(raw[(split + 4)...])), as: UTF8.self)
    }

    deinit { close(fd) }

    /// Waits until `fd` has data (or is closed) or `deadline` passes.
    private static func waitReadable(_ fd: Int32, until deadline: Date, _ what: @autoclosure () -> String) throws {
        while true {
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { throw HTTPClient.ClientError("\(what()) in time") }
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&p, 1, Int32(min(left * 1000, 60_000).rounded(.up)))
            if ready > 0 { return }
            if ready < 0 && errno != EINTR { throw HTTPClient.ClientError("poll: errno \(errno)") }
        }
    }

    /// The next message (keep-alive comments skipped), within the client's time limit.
    public func next() throws -> Message {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let range = text.range(of: "\n\n") {
                let block = String(text[..<range.lowerBound])
                text = String(text[range.upperBound...])
                var message = Message(id: nil, event: "message", data: "")
                var any = false
                for line in block.split(separator: "\n", omittingEmptySubsequences: false) {
                    if line.hasPrefix(":") { continue }
                    any = true
                    if line.hasPrefix("id: ") { message.id = String(line.dropFirst(4)) }
                    if line.hasPrefix("event: ") { message.event = String(line.dropFirst(7)) }
                    if line.hasPrefix("data: ") { message.data += String(line.dropFirst(6)) }
                }
                if any { return message }
                continue
            }
            try Self.waitReadable(fd, until: deadline, "no message on the event stream within \(timeout) s")
            let n = read(fd, &buffer, buffer.count)
            guard n > 0 else { throw HTTPClient.ClientError("the event stream ended or went quiet (errno \(errno))") }
            text += String(decoding: decoder.feed(Array(buffer[0..<n])), as: UTF8.self)
        }
    }

    /// Messages until one of `event` satisfies `until`; all of them, in order.
    public func collect(until: (Message) -> Bool) throws -> [Message] {
        var all: [Message] = []
        while true {
            let m = try next()
            all.append(m)
            if until(m) { return all }
        }
    }
}
