import Foundation
import Glibc
import PackCore

/// Reads one scanner on a thread of its own (blocking device I/O must not hold a
/// Swift concurrency thread) and delivers its events as an async stream. When the
/// device goes away (EOF, EIO, ENODEV, hang-up) it drops the partial code, reports
/// it, and reopens the path when the device comes back.
public final class DeviceReader: Sendable {
    public let device: String
    public let path: String
    public let events: AsyncStream<DeviceEvent>
    private let continuation: AsyncStream<DeviceEvent>.Continuation
    private let wake: (read: Int32, write: Int32)
    private let open: @Sendable () throws(DeviceError) -> any DeviceSession

    /// How long to wait between attempts to reopen a missing device.
    static let reopenDelays: [Int32] = [50, 100, 200, 500, 1000]

    init(device: String, path: String, open: @escaping @Sendable () throws(DeviceError) -> any DeviceSession) {
        self.device = device
        self.path = path
        self.open = open
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
        thread.name = "packd-reader \(path)"
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
            let session: any DeviceSession
            do {
                session = try open()
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
            reportedFailure = false
            continuation.yield(.opened(device: device, path: path))
            let openedAt = MonotonicClock.milliseconds()
            switch serve(session) {
            case .stopped: return
            case .closed(let reason):
                var events: [DeviceEvent] = []
                session.dropPartial(into: &events)
                events.append(.closed(device: device, reason: reason))
                for e in events { continuation.yield(e) }
                reportedFailure = true
                // A device that ends as soon as it is opened must not be reopened in
                // a tight loop: back off as after a failed open.
                if MonotonicClock.milliseconds() - openedAt < 1000 {
                    let delay = Self.reopenDelays[min(attempt, Self.reopenDelays.count - 1)]
                    attempt += 1
                    if waitForStop(milliseconds: delay) { return }
                } else {
                    attempt = 0
                }
            }
        }
    }

    private enum End { case stopped, closed(String) }

    private func serve(_ session: any DeviceSession) -> End {
        var events: [DeviceEvent] = []
        while true {
            var fds = [
                pollfd(fd: session.fd, events: Int16(POLLIN), revents: 0),
                pollfd(fd: wake.read, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&fds, 2, session.idleTimeout() ?? -1)
            if ready < 0 {
                if errno == EINTR { continue }
                return .closed("poll: \(String(cString: strerror(errno)))")
            }
            if fds[1].revents != 0 { return .stopped }
            events.removeAll(keepingCapacity: true)
            if ready == 0 {
                session.idle(into: &events)
            } else if fds[0].revents != 0 {
                if let gone = session.readAvailable(into: &events) {
                    for e in events { continuation.yield(e) }
                    return .closed(gone)
                }
            }
            for e in events { continuation.yield(e) }
        }
    }

    /// Sleeps up to `milliseconds`, waking early (and answering true) on stop.
    private func waitForStop(milliseconds: Int32) -> Bool {
        var fd = pollfd(fd: wake.read, events: Int16(POLLIN), revents: 0)
        return poll(&fd, 1, milliseconds) > 0
    }
}
