import Glibc
import PackCore

/// A serial scanner's open port and its framer.
final class SerialSession: DeviceSession {
    private let port: SerialPort
    private var framer: SerialFramer
    private let device: String
    private var buffer = [UInt8](repeating: 0, count: 4096)

    init(device: String, path: String, settings: SerialSettings, framing: SerialFraming) throws(DeviceError) {
        port = try SerialPort(path: path, settings: settings)
        framer = SerialFramer(framing: framing)
        self.device = device
    }

    var fd: Int32 { port.fd }

    func readAvailable(into events: inout [DeviceEvent]) -> String? {
        DeviceRead.available(port.fd, into: &buffer) { bytes, at in
            for frame in framer.feed(bytes) {
                switch frame {
                case .code(let code): events.append(.scan(Scan(code: code, device: device, atMs: at)))
                case .rejected(let why): events.append(.rejected(device: device, reason: why))
                }
            }
        }
    }

    func idleTimeout() -> Int32? { nil }
    func idle(into events: inout [DeviceEvent]) {}
    func dropPartial(into events: inout [DeviceEvent]) {}
}

/// A serial or CDC-ACM scanner.
public enum SerialScannerReader {
    public static func make(
        device: String, path: String, settings: SerialSettings = SerialSettings(), framing: SerialFraming = SerialFraming()
    ) -> DeviceReader {
        DeviceReader(device: device, path: path) { () throws(DeviceError) -> any DeviceSession in
            try SerialSession(device: device, path: path, settings: settings, framing: framing)
        }
    }
}
