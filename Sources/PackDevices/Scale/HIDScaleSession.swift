import Glibc
public import PackCore

/// A USB HID POS scale's hidraw node: each read(2) returns one report (a FIFO or
/// a pty standing in for one may return several: they are cut into reports).
/// The first weight report after opening is the scale's last one before it,
/// however old (scales repeat it on open): it is ignored.
final class HIDScaleSession: DeviceSession {
    let fd: Int32
    private let device: String
    private var buffer = [UInt8](repeating: 0, count: 256)
    private var pending: [UInt8] = []
    private var sawFirstReport = false

    init(device: String, path: String) throws(DeviceError) {
        fd = try DeviceRead.openReadOnly(path)
        self.device = device
    }

    deinit { close(fd) }

    func readAvailable(into events: inout [DeviceEvent]) -> String? {
        DeviceRead.available(fd, into: &buffer) { bytes, at in
            pending += bytes
            while pending.count >= HIDScaleReport.reportLength {
                let report = Array(pending.prefix(HIDScaleReport.reportLength))
                pending.removeFirst(HIDScaleReport.reportLength)
                guard let frame = HIDScaleReport.decode(report) else { continue }
                if case .sample = frame, !sawFirstReport {
                    sawFirstReport = true
                    continue
                }
                events.append(.scale(device: device, frame: frame, atMs: at))
            }
        }
    }

    func idleTimeout() -> Int32? { nil }
    func idle(into events: inout [DeviceEvent]) {}
    func dropPartial(into events: inout [DeviceEvent]) { pending.removeAll() }
}

/// A USB HID POS scale read through hidraw.
public enum HIDScaleReader {
    public static func make(device: String, path: String) -> DeviceReader {
        DeviceReader(device: device, path: path) { () throws(DeviceError) -> any DeviceSession in
            try HIDScaleSession(device: device, path: path)
        }
    }
}
