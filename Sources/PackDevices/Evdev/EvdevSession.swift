import CPackdLinux
import Glibc
import PackCore

/// A keyboard-wedge scanner's input device: grabbed, its key events decoded with
/// the scanner's layout and gathered into codes.
final class EvdevSession: DeviceSession {
    let fd: Int32
    private let device: String
    private let decoder: KeymapDecoder
    private var assembler: KeyScanAssembler
    private var buffer = [input_event](repeating: input_event(), count: 64)

    init(device: String, path: String, layout: KeymapDecoder, grab: Bool, interKeyTimeoutMs: Int64, suffix: String?)
        throws(DeviceError)
    {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw DeviceError.system("open \(path)", errno) }
        // Exclusive: while packd holds the scanner, its keystrokes never reach a
        // focused window on the desktop.
        if grab, packd_evdev_grab(fd, 1) != 0 {
            let code = errno
            close(fd)
            throw DeviceError.system("EVIOCGRAB \(path)", code)
        }
        self.fd = fd
        self.device = device
        self.decoder = layout
        self.decoder.reset()
        self.assembler = KeyScanAssembler(interKeyTimeoutMs: interKeyTimeoutMs, suffix: suffix)
    }

    deinit { close(fd) }

    func readAvailable(into events: inout [DeviceEvent]) -> String? {
        let size = MemoryLayout<input_event>.stride
        let n: Int
        switch buffer.withUnsafeMutableBytes({ DeviceRead.from(fd, into: $0) }) {
        case .nothing: return nil
        case .gone(let why): return why
        case .bytes(let count): n = count
        }
        let at = MonotonicClock.milliseconds()
        for i in 0..<(n / size) {
            let e = buffer[i]
            guard e.type == UInt16(EV_KEY) else { continue }
            let output = decoder.feed(code: e.code, value: e.value)
            switch output {
            case .repeated(let code): events.append(.rejected(device: device, reason: .keyRepeat(code: code)))
            case .unknownKey(let code): events.append(.rejected(device: device, reason: .unknownKey(code: code)))
            default: break
            }
            for done in assembler.feed(output, atMs: at) {
                append(done, at: at, to: &events)
            }
        }
        return nil
    }

    func idleTimeout() -> Int32? {
        assembler.pendingSince.map { since in
            Int32(clamping: max(1, since + assembler.interKeyTimeoutMs + 1 - MonotonicClock.milliseconds()))
        }
    }

    func idle(into events: inout [DeviceEvent]) {
        let now = MonotonicClock.milliseconds()
        if let done = assembler.flush(ifIdleAt: now) { append(done, at: now, to: &events) }
    }

    func dropPartial(into events: inout [DeviceEvent]) {
        let lost = assembler.dropPartial()
        if lost > 0 { events.append(.rejected(device: device, reason: .partial(bytes: lost))) }
    }

    private func append(_ done: KeyScanAssembler.Completed, at: Int64, to events: inout [DeviceEvent]) {
        switch done {
        case .code(let code): events.append(.scan(Scan(code: code, device: device, atMs: at)))
        case .tooLong(let limit): events.append(.rejected(device: device, reason: .tooLong(bytes: limit + 1, limit: limit)))
        }
    }
}

/// A keyboard-wedge (USB HID keyboard) scanner read through evdev.
public enum EvdevScannerReader {
    /// - grab: take the device exclusively (always, for a real scanner; tests
    ///   reading a FIFO cannot).
    public static func make(
        device: String, path: String, layout: String = "us", grab: Bool = true, interKeyTimeoutMs: Int64 = 100,
        suffix: String? = nil
    ) throws(KeymapDecoder.LoadError) -> DeviceReader {
        make(
            device: device, path: path, keymap: try KeymapDecoder(layout: layout), grab: grab,
            interKeyTimeoutMs: interKeyTimeoutMs, suffix: suffix)
    }

    /// With a keymap of the site's own (an XKB keymap file).
    public static func make(
        device: String, path: String, keymapText: String, keymapName: String, grab: Bool = true,
        interKeyTimeoutMs: Int64 = 100, suffix: String? = nil
    ) throws(KeymapDecoder.LoadError) -> DeviceReader {
        make(
            device: device, path: path, keymap: try KeymapDecoder(keymapText: keymapText, name: keymapName), grab: grab,
            interKeyTimeoutMs: interKeyTimeoutMs, suffix: suffix)
    }

    static func make(
        device: String, path: String, keymap: KeymapDecoder, grab: Bool, interKeyTimeoutMs: Int64, suffix: String?
    ) -> DeviceReader {
        let shared = UncheckedBox(keymap)
        return DeviceReader(device: device, path: path) { () throws(DeviceError) -> any DeviceSession in
            try EvdevSession(
                device: device, path: path, layout: shared.value, grab: grab, interKeyTimeoutMs: interKeyTimeoutMs,
                suffix: suffix)
        }
    }
}

/// The keymap is used by one reader thread at a time: the one session open.
final class UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
