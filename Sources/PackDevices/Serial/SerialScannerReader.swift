import Foundation
import Glibc
import PackCore

/// Reads one serial scanner on a thread of its own (blocking reads must not hold a
/// Swift concurrency thread) and delivers its events as an async stream. When the
/// device goes away (EOF, EIO, hang-up) it drops the partial code, reports it, and
/// reopens the path when it comes back.
public final class SerialScannerReader: Sendable {
    public let device: String
    public let path: String
    public let settings: SerialSettings
    public let framing: SerialFraming
    public let events: AsyncStream<DeviceEvent>
    private let continuation: AsyncStream<DeviceEvent>.Continuation
    private let wake: (read: Int32, write: Int32)

    /// How long to wait between attempts to reopen a missing device.
    static let reopenDelays: [Int32] = [50, 100, 200, 500, 1000]

    public init(device: String, path: String, settings: SerialSettings = SerialSettings(), framing: SerialFraming = SerialFraming()) {
        self.device = device
        self.path = path
        self.settings = settings
        self.framing = framing
        (events, continuation) = AsyncStream.makeStream(of: DeviceEvent.self, bufferingPolicy: .bufferingNewest(10_000))
        var fds: [Int32] = [0, 0]
        if pipe(&fds) == 0 {
            for fd in fds {
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
                _ = fcntl(fd, F_SETFL, O_NONBLOCK)
            }
        } else {
            fds = [-1, -1]
        }
        wake = (fds[0], fds[1])
    }

    deinit {
        close(wake.read)
        close(wake.write)
    }

    public func start() {
        let thread = Thread { [self] in run() }
        thread.name = "packd-serial \(path)"
        thread.start()
    }

    /// Stops the reader; the event stream finishes.
    public func stop() {
        var one: UInt8 = 1
        _ = write(wake.write, &one, 1)
    }

    private func run() {
        var attempt = 0
        var reportedFailure = false
        defer { continuation.finish() }
        while true {
            let port: SerialPort
            do {
                port = try SerialPort(path: path, settings: settings)
            } catch {
                if !reportedFailure {
                    continuation.yield(.closed(device: device, reason: error.description))
                    reportedFailure = true
                }
                let delay = Self.reopenDelays[min(attempt, Self.reopenDelays.count - 1)]
                attempt += 1
                if waitForStop(milliseconds: delay) { return }
                continue
            }
            attempt = 0
            reportedFailure = false
            continuation.yield(.opened(device: device, path: path))
            switch readUntilClosed(port) {
            case .stopped: return
            case .closed(let reason):
                continuation.yield(.closed(device: device, reason: reason))
                reportedFailure = true
            }
        }
    }

    private enum End { case stopped, closed(String) }

    private func readUntilClosed(_ port: SerialPort) -> End {
        var framer = SerialFramer(framing: framing)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            var fds = [pollfd(fd: port.fd, events: Int16(POLLIN), revents: 0), pollfd(fd: wake.read, events: Int16(POLLIN), revents: 0)]
            let ready = poll(&fds, 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                return .closed("poll: errno \(errno)")
            }
            if fds[1].revents != 0 { return .stopped }
            guard fds[0].revents != 0 else { continue }
            let n = buffer.withUnsafeMutableBytes { read(port.fd, $0.baseAddress, $0.count) }
            if n > 0 {
                let at = MonotonicClock.milliseconds()
                for frame in framer.feed(buffer[0..<n]) {
                    switch frame {
                    case .code(let code): continuation.yield(.scan(Scan(code: code, device: device, atMs: at)))
                    case .rejected(let why): continuation.yield(.rejected(device: device, reason: why))
                    }
                }
            } else if n == 0 {
                return .closed("end of file")
            } else {
                let code = errno
                if code == EAGAIN || code == EINTR { continue }
                return .closed(String(cString: strerror(code)))
            }
        }
    }

    /// Sleeps up to `milliseconds`, waking early (and answering true) on stop.
    private func waitForStop(milliseconds: Int32) -> Bool {
        var fd = pollfd(fd: wake.read, events: Int16(POLLIN), revents: 0)
        return poll(&fd, 1, milliseconds) > 0
    }
}
