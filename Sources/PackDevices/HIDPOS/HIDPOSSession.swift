import Glibc
import PackCore

/// A HID POS scanner's hidraw node: each read(2) returns one report.
final class HIDPOSSession: DeviceSession {
    let fd: Int32
    private let device: String
    private var decoder = HIDPOSDecoder()
    private var buffer = [UInt8](repeating: 0, count: 256)

    init(device: String, path: String) throws(DeviceError) {
        fd = try DeviceRead.openReadOnly(path)
        self.device = device
    }

    deinit { close(fd) }

    func readAvailable(into events: inout [DeviceEvent]) -> String? {
        DeviceRead.available(fd, into: &buffer) { bytes, at in
            // hidraw returns one report per read; a FIFO in tests may return several.
            var offset = bytes.startIndex
            while offset < bytes.endIndex {
                let size = min(64, bytes.endIndex - offset)
                switch decoder.feed(bytes[offset..<offset + size]) {
                case .code(let code, let symbology)?:
                    events.append(.scan(Scan(code: code, device: device, atMs: at, symbology: symbology)))
                case .rejected(let why)?:
                    events.append(.rejected(device: device, reason: why))
                case nil:
                    break
                }
                offset += size
            }
        }
    }

    func idleTimeout() -> Int32? { nil }
    func idle(into events: inout [DeviceEvent]) {}
    func dropPartial(into events: inout [DeviceEvent]) {}
}

/// A USB HID POS (barcode scanner usage page) scanner read through hidraw.
public enum HIDPOSScannerReader {
    public static func make(device: String, path: String) -> DeviceReader {
        DeviceReader(device: device, path: path) { () throws(DeviceError) -> any DeviceSession in
            try HIDPOSSession(device: device, path: path)
        }
    }
}
