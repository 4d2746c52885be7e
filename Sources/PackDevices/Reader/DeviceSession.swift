import Glibc

/// One open device, as the reader loop drives it: its fd to wait on, what to do
/// when it is readable, and when it wants a timer (a keyboard scanner's pause).
protocol DeviceSession: AnyObject {
    var fd: Int32 { get }
    /// Reads what is there into `events`; returns why, when the device is gone.
    func readAvailable(into events: inout [DeviceEvent]) -> String?
    /// Milliseconds until `idle` should run, or nil for no timer.
    func idleTimeout() -> Int32?
    func idle(into events: inout [DeviceEvent])
    /// The device went away: say what was lost, if anything.
    func dropPartial(into events: inout [DeviceEvent])
}

/// One read(2) from a device, with the answers every session treats alike.
enum DeviceRead {
    case bytes(Int)
    /// Nothing yet (EAGAIN, EINTR): wait for the next poll.
    case nothing
    /// The device is gone: end of file or an error, said in words.
    case gone(String)

    /// A device node opened for reading only (hidraw: packd never writes a
    /// scanner's or a scale's reports), non-blocking: the reader waits in poll(2).
    static func openReadOnly(_ path: String) throws(DeviceError) -> Int32 {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw DeviceError.system("open \(path)", errno) }
        return fd
    }

    /// One read(2) into `buffer`, handing what came to `take` with the time it
    /// came; the reason when the device is gone, else nil.
    static func available(_ fd: Int32, into buffer: inout [UInt8], _ take: (ArraySlice<UInt8>, Int64) -> Void) -> String? {
        switch buffer.withUnsafeMutableBytes({ from(fd, into: $0) }) {
        case .nothing: return nil
        case .gone(let why): return why
        case .bytes(let count):
            take(buffer[0..<count], MonotonicClock.milliseconds())
            return nil
        }
    }

    static func from(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> DeviceRead {
        let n = read(fd, buffer.baseAddress, buffer.count)
        if n > 0 { return .bytes(n) }
        if n == 0 { return .gone("end of file") }
        let code = errno
        if code == EAGAIN || code == EINTR { return .nothing }
        return .gone(String(cString: strerror(code)))
    }
}
