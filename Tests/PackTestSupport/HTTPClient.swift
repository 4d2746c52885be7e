import Foundation
public import Glibc

/// A small HTTP/1.1 client over loopback TCP, for talking to the running daemon
/// the way an ERP integrator's program does: one request per connection, every
/// read bounded by a timeout.
public enum HTTPClient {
    public struct Response: Sendable {
        public var status: Int
        public var headers: [String: String]
        public var body: [UInt8]
        public var text: String { String(decoding: body, as: UTF8.self) }
        public func header(_ name: String) -> String? { headers[name.lowercased()] }
    }

    public struct ClientError: Error, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    public static func request(
        port: Int, method: String, path: String, token: String? = nil, headers: [String: String] = [:],
        body: [UInt8]? = nil, contentType: String? = "application/json", declaredLength: Int? = nil, timeout: Double = 30
    ) throws -> Response {
        let fd = try connectLoopback(port: port, timeout: timeout)
        defer { close(fd) }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        if let token { head += "Authorization: Bearer \(token)\r\n" }
        for (k, v) in headers { head += "\(k): \(v)\r\n" }
        if let body {
            if let contentType { head += "Content-Type: \(contentType)\r\n" }
            head += "Content-Length: \(declaredLength ?? body.count)\r\n"
        }
        head += "\r\n"
        try writeAll(fd, Array(head.utf8) + (body ?? []))
        var raw: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n == 0 { break }
            if n < 0 {
                if errno == EINTR { continue }
                throw ClientError("\(method) \(path): no complete answer within \(timeout) s (errno \(errno))")
            }
            raw += buffer[0..<n]
        }
        return try parse(raw)
    }

    public static func json(
        port: Int, method: String, path: String, token: String?, json: String, timeout: Double = 30
    ) throws -> Response {
        try request(port: port, method: method, path: path, token: token, body: Array(json.utf8), timeout: timeout)
    }

    static func parse(_ raw: [UInt8]) throws -> Response {
        guard let split = find([13, 10, 13, 10], in: raw, from: 0) else { throw ClientError("no HTTP header in the answer") }
        let head = String(decoding: raw[0..<split], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = head[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw ClientError("bad status line \(head[0])") }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Array(raw[(split + 4)...])
        if headers["transfer-encoding"]?.lowercased() == "chunked" {
            var decoder = ChunkedDecoder()
            body = decoder.feed(body)
        }
        return Response(status: status, headers: headers, body: body)
    }

    static func find(_ needle: [UInt8], in hay: [UInt8], from: Int) -> Int? {
        guard hay.count >= needle.count else { return nil }
        var i = from
        while i + needle.count <= hay.count {
            if hay[i] == needle[0], Array(hay[i..<(i + needle.count)]) == needle { return i }
            i += 1
        }
        return nil
    }

    public static func connectLoopback(port: Int, timeout: Double) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ClientError("socket: errno \(errno)") }
        var tv = timeval(tv_sec: Int(timeout), tv_usec: Int(timeout.truncatingRemainder(dividingBy: 1) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            close(fd)
            throw ClientError("cannot connect to 127.0.0.1:\(port): errno \(errno)")
        }
        return fd
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                // The server may answer (413) and close before reading it all.
                if errno == EPIPE || errno == ECONNRESET || errno == EAGAIN { return }
                throw ClientError("write: errno \(errno)")
            }
            offset += n
        }
    }

    /// A TCP port nobody listens on right now.
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard ok else { throw ClientError("no free port: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Decodes `Transfer-Encoding: chunked` as bytes arrive.
struct ChunkedDecoder {
    private var pending: [UInt8] = []
    private var remaining = 0
    private var needCRLF = false

    mutating func feed(_ bytes: [UInt8]) -> [UInt8] {
        pending += bytes
        var out: [UInt8] = []
        while true {
            if needCRLF {
                guard pending.count >= 2 else { break }
                pending.removeFirst(2)
                needCRLF = false
            }
            if remaining > 0 {
                let take = min(remaining, pending.count)
                guard take > 0 else { break }
                out += pending[0..<take]
                pending.removeFirst(take)
                remaining -= take
                if remaining == 0 { needCRLF = true }
                continue
            }
            guard let end = HTTPClient.find([13, 10], in: pending, from: 0) else { break }
            let sizeText = String(decoding: pending[0..<end], as: UTF8.self).split(separator: ";").first ?? ""
            pending.removeFirst(end + 2)
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16), size > 0 else { break }
            remaining = size
        }
        return out
    }
}
