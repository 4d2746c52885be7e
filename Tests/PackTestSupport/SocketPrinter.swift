import Foundation
import Glibc

/// A fake network label printer on 127.0.0.1 (what CUPS's socket backend talks
/// to on port 9100): it reads each connection to its end and keeps the bytes, in
/// the order the connections arrived. `close()` stops listening (the printer is
/// down); `reopen()` listens again on the same port.
public final class SocketPrinter: @unchecked Sendable {
    public private(set) var port: UInt16 = 0
    private var listener: Int32 = -1
    private let lock = NSLock()
    private let arrived = DispatchSemaphore(value: 0)
    private var received: [[UInt8]] = []
    private var endTimes: [UInt64] = []
    private var taken = 0

    public init() throws { try open(port: 0) }

    private func open(port wanted: UInt16) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = Self.loopback(port: wanted)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, Glibc.listen(fd, 16) == 0 else {
            Glibc.close(fd)
            throw PrinterError("cannot listen on port \(wanted): errno \(errno)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) {
            _ = $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        lock.withLock {
            listener = fd
            port = UInt16(bigEndian: address.sin_port)
        }
        Thread { [self] in acceptLoop(fd) }.start()
    }

    private static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = port.bigEndian
        return address
    }

    private func acceptLoop(_ fd: Int32) {
        while true {
            let connection = accept(fd, nil, nil)
            guard connection >= 0 else { return }
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = read(connection, &buffer, buffer.count)
                if n <= 0 { break }
                bytes += buffer[0..<n]
            }
            let end = DispatchTime.now().uptimeNanoseconds
            Glibc.close(connection)
            lock.withLock {
                received.append(bytes)
                endTimes.append(end)
            }
            arrived.signal()
        }
    }

    /// The printer goes away: connections are refused until `reopen()`.
    public func close() {
        let fd = lock.withLock { () -> Int32 in
            let fd = listener
            listener = -1
            return fd
        }
        shutdown(fd, Int32(SHUT_RDWR))
        Glibc.close(fd)
    }

    public func reopen() throws { try open(port: port) }

    /// Waits until `count` jobs have arrived in all; returns them in order.
    public func waitForJobs(_ count: Int, timeout: Double = 30) throws -> [[UInt8]] {
        let deadline = DispatchTime.now() + timeout
        while lock.withLock({ received.count }) < count {
            guard arrived.wait(timeout: deadline) == .success else {
                throw PrinterError("\(lock.withLock { received.count }) of \(count) jobs arrived within \(timeout) s")
            }
        }
        return lock.withLock { received }
    }

    public var jobs: [[UInt8]] { lock.withLock { received } }

    /// Every job, once none has arrived for `quiet` seconds: what "exactly once"
    /// is checked on. CUPS sends a job it could not deliver again after its
    /// JobRetryInterval (1 s on PrivateCups), and packd looks at a job waiting in
    /// CUPS at least once a second, so a label printed twice comes out within 3 s
    /// of the first. Throws when jobs keep arriving for `limit` seconds.
    public func jobsOnceQuiet(for quiet: Double = 3, limit: Double = 60) throws -> [[UInt8]] {
        let deadline = DispatchTime.now() + limit
        while DispatchTime.now() < deadline {
            // A signal left from a job already counted only restarts the window.
            if arrived.wait(timeout: .now() + quiet) == .timedOut { return jobs }
        }
        throw PrinterError("jobs kept arriving for \(limit) s: \(jobs.count) so far")
    }

    /// The next job not yet taken, and when its last byte arrived (monotonic ns).
    public func nextJob(timeout: Double = 60) throws -> (end: UInt64, bytes: [UInt8]) {
        let index = lock.withLock { () -> Int in
            taken += 1
            return taken
        }
        _ = try waitForJobs(index, timeout: timeout)
        return lock.withLock { (endTimes[index - 1], received[index - 1]) }
    }

    /// Connects to the printer and writes `bytes` as one job (as a print server's
    /// socket backend does).
    public func send(_ bytes: [UInt8]) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { Glibc.close(fd) }
        var address = Self.loopback(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw PrinterError("cannot connect: errno \(errno)") }
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { throw PrinterError("write failed: errno \(errno)") }
            offset += n
        }
    }
}

public struct PrinterError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
