import Glibc

/// An open serial device, configured raw with termios. Thin: every failing call
/// becomes a `DeviceError` with its errno, once.
final class SerialPort {
    private(set) var fd: Int32
    let path: String

    /// Opens and configures `path`. Never asks isatty(): under test harnesses and
    /// some USB adapters it answers wrongly, and termios itself says what fails.
    init(path: String, settings: SerialSettings) throws(DeviceError) {
        let fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw DeviceError.system("open \(path)", errno) }
        self.fd = fd
        self.path = path
        do {
            try configure(settings)
        } catch {
            close(fd)
            throw error
        }
        if !configured {
            // Not a terminal: read it read-only, so that its writer going away is an
            // end of file (a FIFO held open for writing by its reader never ends).
            let readOnly = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)
            if readOnly >= 0 {
                close(fd)
                self.fd = readOnly
            }
        }
    }

    deinit { close(fd) }

    /// Whether the line settings were applied (false for a device that is not a
    /// terminal at all, such as umockdev's scripted serial devices or a FIFO).
    private(set) var configured = true

    private func configure(_ s: SerialSettings) throws(DeviceError) {
        var t = termios()
        guard tcgetattr(fd, &t) == 0 else {
            let code = errno
            // Not a terminal: nothing to configure, but its bytes are still codes.
            if code == ENOTTY || code == EINVAL {
                configured = false
                return
            }
            throw DeviceError.system("tcgetattr \(path)", code)
        }
        cfmakeraw(&t)
        guard let speed = SerialPort.speed(s.baud) else {
            throw DeviceError.invalidSetting("baud \(s.baud) is not one of \(SerialSettings.supportedBauds)")
        }
        cfsetispeed(&t, speed)
        cfsetospeed(&t, speed)
        t.c_cflag &= ~tcflag_t(CSIZE)
        switch s.dataBits {
        case 7: t.c_cflag |= tcflag_t(CS7)
        case 8: t.c_cflag |= tcflag_t(CS8)
        default: throw DeviceError.invalidSetting("data bits must be 7 or 8, not \(s.dataBits)")
        }
        t.c_cflag &= ~tcflag_t(PARENB | PARODD)
        switch s.parity {
        case .none: break
        case .even: t.c_cflag |= tcflag_t(PARENB)
        case .odd: t.c_cflag |= tcflag_t(PARENB | PARODD)
        }
        switch s.stopBits {
        case 1: t.c_cflag &= ~tcflag_t(CSTOPB)
        case 2: t.c_cflag |= tcflag_t(CSTOPB)
        default: throw DeviceError.invalidSetting("stop bits must be 1 or 2, not \(s.stopBits)")
        }
        t.c_cflag &= ~tcflag_t(CRTSCTS)
        t.c_iflag &= ~tcflag_t(IXON | IXOFF | IXANY)
        switch s.flowControl {
        case .none: break
        case .rtscts: t.c_cflag |= tcflag_t(CRTSCTS)
        case .xonxoff: t.c_iflag |= tcflag_t(IXON | IXOFF)
        }
        t.c_cflag |= tcflag_t(CREAD | CLOCAL)
        // Reads return what is there; the reader waits in poll(2).
        withUnsafeMutableBytes(of: &t.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        guard tcsetattr(fd, TCSANOW, &t) == 0 else { throw DeviceError.system("tcsetattr \(path)", errno) }
        tcflush(fd, TCIFLUSH)
    }

    static func speed(_ baud: Int) -> speed_t? {
        switch baud {
        case 1200: speed_t(B1200)
        case 2400: speed_t(B2400)
        case 4800: speed_t(B4800)
        case 9600: speed_t(B9600)
        case 19200: speed_t(B19200)
        case 38400: speed_t(B38400)
        case 57600: speed_t(B57600)
        case 115_200: speed_t(B115200)
        case 230_400: speed_t(B230400)
        default: nil
        }
    }

    /// The speeds the driver has now, for tests and `packd devices`.
    func currentSpeed() -> (input: speed_t, output: speed_t)? {
        var t = termios()
        guard tcgetattr(fd, &t) == 0 else { return nil }
        return (cfgetispeed(&t), cfgetospeed(&t))
    }
}

public enum DeviceError: Error, Sendable, Equatable, CustomStringConvertible {
    case system(String, Int32)
    case invalidSetting(String)

    public var description: String {
        switch self {
        case .system(let call, let code): "\(call): \(String(cString: strerror(code))) (errno \(code))"
        case .invalidSetting(let what): what
        }
    }
}
