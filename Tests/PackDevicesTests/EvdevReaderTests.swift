import CPackdLinux
import Foundation
import Glibc
import PackTestSupport
@testable import PackDevices
import PackTestRequirements
import Testing

/// The evdev reader fed real `input_event` records through a FIFO. (The same
/// reader on a mocked /dev/input/event node under umockdev is still to come.)
@Suite(.offCooperativePool, .timeLimit(.minutes(3))) struct EvdevReaderTests {
    let temp = TempDirectory("evdev")
    var dir: String { temp.path }

    func fifo() -> String {
        let path = (dir as NSString).appendingPathComponent("event0")
        mkfifo(path, 0o600)
        return path
    }

    func records(_ keys: [(UInt16, Int32)]) -> [UInt8] {
        var bytes: [UInt8] = []
        for (code, value) in keys {
            var e = input_event()
            e.type = UInt16(EV_KEY)
            e.code = code
            e.value = value
            withUnsafeBytes(of: &e) { bytes += $0 }
            var sync = input_event()  // EV_SYN, as the kernel sends after each key
            withUnsafeBytes(of: &sync) { bytes += $0 }
        }
        return bytes
    }

    /// Starts a reader on `path` and waits until it has opened it.
    func started(_ reader: DeviceReader) async -> EventCollector {
        let log = EventCollector()
        log.collect(from: reader)
        reader.start()
        #expect(await log.wait { $0.contains { $0.isOpened } })
        return log
    }

    func codes(_ events: [DeviceEvent]) -> [String] {
        events.compactMap { if case .scan(let s) = $0 { s.code } else { nil } }
    }

    @Test func keyEventsBecomeCodesWithTheScannersLayout() async throws {
        let path = fifo()
        let reader = try EvdevScannerReader.make(device: "kbd-1", path: path, layout: "de", grab: false, interKeyTimeoutMs: 40)
        defer { reader.stop() }
        let log = await started(reader)
        let writer = open(path, O_WRONLY)
        #expect(writer >= 0)
        var bytes = records(KeymapDecoderTests.deTyping)
        // A second code with no Enter: the pause after it ends it.
        bytes += records(type([([.leftShift], .z), ([], .k1)]))
        _ = bytes.withUnsafeBytes { write(writer, $0.baseAddress, $0.count) }
        #expect(await log.wait { self.codes($0) == ["ABC-1/2.3", "Y1"] })

        // Unplugged mid-code: the partial code is dropped and reported, never delivered.
        let partial = records(type([([], .k2), ([], .k3)]))
        _ = partial.withUnsafeBytes { write(writer, $0.baseAddress, $0.count) }
        close(writer)
        #expect(await log.wait { $0.contains { $0.isClosed } })
        #expect(await log.wait { $0.filter(\.isOpened).count == 2 })
        let events = await log.events
        let lost = events.contains { if case .rejected(_, .partial(2)) = $0 { true } else { false } }
        let flushed = self.codes(events) == ["ABC-1/2.3", "Y1", "23"]
        // Either the pause ended "23" before the hang-up was seen, or it was dropped: never both, never lost silently.
        #expect(lost != flushed)
    }

    @Test func aDeviceThatCannotBeGrabbedIsNotRead() async throws {
        let path = fifo()
        let reader = try EvdevScannerReader.make(device: "kbd-1", path: path, grab: true)
        let log = EventCollector()
        log.collect(from: reader)
        reader.start()
        defer { reader.stop() }
        #expect(await log.wait { $0.contains { $0.isClosed } })
        let events = await log.events
        #expect(!events.contains { $0.isOpened })
        guard case .closed(_, let reason)? = events.first else { Issue.record("no close"); return }
        #expect(reason.hasPrefix("EVIOCGRAB \(path)"))
    }

    @Test func anUnknownLayoutIsRefusedBeforeReading() {
        #expect(throws: KeymapDecoder.LoadError.self) {
            _ = try EvdevScannerReader.make(device: "k", path: "/dev/null", layout: "xx-nonexistent")
        }
    }
}

extension EvdevReaderTests {
    @Test func unknownKeysAndRepeatsAreLoggedAndTheNextCodeDecoded() async throws {
        let path = fifo()
        let reader = try EvdevScannerReader.make(device: "kbd-1", path: path, layout: "us", grab: false)
        defer { reader.stop() }
        let log = await started(reader)
        let writer = open(path, O_WRONLY)
        defer { close(writer) }
        var keys: [(UInt16, Int32)] = [(240, 1), (240, 0), (Key.k1.rawValue, 1), (Key.k1.rawValue, 2), (Key.k1.rawValue, 0)]
        keys += type([([], .k2), ([], .enter)])
        let bytes = records(keys)
        _ = bytes.withUnsafeBytes { write(writer, $0.baseAddress, $0.count) }
        #expect(await log.wait { self.codes($0) == ["12"] })
        let events = await log.events
        #expect(events.contains(.rejected(device: "kbd-1", reason: .unknownKey(code: 240))))
        #expect(events.contains(.rejected(device: "kbd-1", reason: .keyRepeat(code: Key.k1.rawValue))))
    }
}
