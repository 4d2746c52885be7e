import Glibc
public import PackCore

/// A serial scale's open port, its protocol's framer, and the weigh requests
/// for the protocols that wait to be asked (one every `pollMs`, and at once on
/// open). packd writes nothing else to a scale unless an operator zeroes or tares.
final class SerialScaleSession: DeviceSession {
    private let port: SerialPort
    private var framer: any ScaleFramer
    private let device: String
    private let name: ScaleProtocolName
    private let pollMs: Int64
    private var lastRequestMs: Int64 = .min
    private var buffer = [UInt8](repeating: 0, count: 4096)

    init(device: String, path: String, settings: SerialSettings, protocol name: ScaleProtocolName, unit: WeightUnit, pollMs: Int64)
        throws(DeviceError)
    {
        guard let framer = name.serialFramer(unit: unit) else {
            throw DeviceError.invalidSetting("protocol \(name.rawValue) is not one a serial scale speaks")
        }
        port = try SerialPort(path: path, settings: settings)
        self.framer = framer
        self.device = device
        self.name = name
        self.pollMs = max(20, pollMs)
        requestIfDue()
    }

    var fd: Int32 { port.fd }

    func readAvailable(into events: inout [DeviceEvent]) -> String? {
        let gone = DeviceRead.available(port.fd, into: &buffer) { bytes, at in
            for frame in framer.feed(bytes) {
                if case .answer(let answer) = frame, let reply = name.reply(to: answer) { send(reply) }
                events.append(.scale(device: device, frame: frame, atMs: at))
            }
        }
        if gone == nil { requestIfDue() }
        return gone
    }

    func idleTimeout() -> Int32? {
        guard name.poll != nil else { return nil }
        let due = lastRequestMs == .min ? 0 : lastRequestMs + pollMs - MonotonicClock.milliseconds()
        return Int32(clamping: max(0, due))
    }

    func idle(into events: inout [DeviceEvent]) { requestIfDue() }
    func dropPartial(into events: inout [DeviceEvent]) {}

    private func requestIfDue() {
        guard let request = name.poll else { return }
        let now = MonotonicClock.milliseconds()
        guard lastRequestMs == .min || now - lastRequestMs >= pollMs else { return }
        lastRequestMs = now
        send(request)
    }

    /// A short write to a scale is no error worth ending the session for: the
    /// next request goes out at the next interval.
    private func send(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { write(port.fd, $0.baseAddress, $0.count) }
    }
}

/// A serial (RS-232, USB-serial, CDC-ACM) scale.
public enum SerialScaleReader {
    public static func make(
        device: String, path: String, settings: SerialSettings = SerialSettings(), protocol name: ScaleProtocolName,
        unit: WeightUnit = .kilogram, pollMs: Int64 = 200
    ) -> DeviceReader {
        DeviceReader(device: device, path: path) { () throws(DeviceError) -> any DeviceSession in
            try SerialScaleSession(device: device, path: path, settings: settings, protocol: name, unit: unit, pollMs: pollMs)
        }
    }
}
