import Foundation
import Glibc
import PackTestSupport
@testable import PackDevices
import PackTestRequirements
import Testing

/// A pseudo-terminal stands in for a serial scanner: a real tty, real termios.
@Suite(.offCooperativePool, .timeLimit(.minutes(3))) struct SerialReaderTests {
    /// Starts a reader on `path` and waits until it has opened the device.
    func started(_ path: String, settings: SerialSettings = SerialSettings()) async -> (DeviceReader, EventCollector) {
        let reader = SerialScannerReader.make(device: "s", path: path, settings: settings)
        let log = EventCollector()
        log.collect(from: reader)
        reader.start()
        #expect(await log.wait { $0.contains { $0.isOpened } })
        return (reader, log)
    }

    func codes(_ events: [DeviceEvent]) -> [String] {
        events.compactMap { if case .scan(let s) = $0 { s.code } else { nil } }
    }

    @Test(arguments: [9600, 115_200])
    func codesSplitAcrossReadsAreDecoded(_ baud: Int) async throws {
        let pty = try PseudoTerminal()
        let port = try SerialPort(path: pty.slavePath, settings: SerialSettings(baud: baud))
        #expect(port.currentSpeed()?.input == SerialPort.speed(baud))

        let (reader, log) = await started(pty.slavePath, settings: SerialSettings(baud: baud))
        defer { reader.stop() }
        pty.send("6901234")
        pty.send("567892\r")
        pty.send("\nABC-1/2.3\r\n")
        #expect(await log.wait { self.codes($0).count == 2 })
        #expect(await log.codes == ["6901234567892", "ABC-1/2.3"])
    }

    @Test func aGarbageLineIsRefusedAndTheReaderGoesOn() async throws {
        let pty = try PseudoTerminal()
        let (reader, log) = await started(pty.slavePath)
        defer { reader.stop() }
        let garbage = [UInt8](repeating: 0x58, count: 65_536) + [0x0D]
        let writer = Thread { pty.send(garbage + Array("NEXT-1\r".utf8)) }
        writer.start()
        #expect(await log.wait { self.codes($0) == ["NEXT-1"] })
        let events = await log.events
        #expect(events.contains(.rejected(device: "s", reason: .tooLong(bytes: 65_536, limit: 4096))))
    }

    @Test func binaryNoiseDoesNotStopTheReader() async throws {
        let pty = try PseudoTerminal()
        let (reader, log) = await started(pty.slavePath)
        defer { reader.stop() }
        pty.send([0x00, 0xFF, 0xFE, 0x0D, 0x41, 0x00, 0x0D, 0xC3, 0x28, 0x0A])
        pty.send("OK-2\r\n")
        #expect(await log.wait { self.codes($0) == ["OK-2"] })
        #expect(await log.count(\.isRejected) == 3)
    }

    @Test func theScannerGoingAwayAndComingBackLosesNoLaterScan() async throws {
        let temp = TempDirectory("pty")
        let link = temp.sub("scanner")

        let first = try PseudoTerminal()
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: first.slavePath)
        let (reader, log) = await started(link)
        defer { reader.stop() }
        first.send("BEFORE\r\nPARTI")
        #expect(await log.wait { self.codes($0) == ["BEFORE"] })

        // A new device appears at the same path; the old one is unplugged mid-code.
        let second = try PseudoTerminal()
        let tmp = temp.sub("scanner.new")
        try FileManager.default.createSymbolicLink(atPath: tmp, withDestinationPath: second.slavePath)
        _ = rename(tmp, link)
        first.hangUp()
        #expect(await log.wait { $0.filter(\.isOpened).count == 2 })
        second.send("AFTER\r\n")
        #expect(await log.wait { self.codes($0) == ["BEFORE", "AFTER"] })
        #expect(await log.count(\.isClosed) >= 1)
    }

    @Test func badSettingsAreRefusedPrecisely() throws {
        let pty = try PseudoTerminal()
        #expect(throws: DeviceError.invalidSetting("baud 12345 is not one of \(SerialSettings.supportedBauds)")) {
            _ = try SerialPort(path: pty.slavePath, settings: SerialSettings(baud: 12345))
        }
        #expect(throws: DeviceError.self) { _ = try SerialPort(path: "/nonexistent/tty", settings: SerialSettings()) }
    }
}

extension SerialReaderTests {
    /// A device that is not a terminal (umockdev's scripted serial devices, a FIFO)
    /// is read all the same, and its writer going away is an end of file. (Coming
    /// back after a hang-up is tested with ptys above.)
    @Test func aNonTerminalDeviceIsReadAndItsEndOfFileSeen() async throws {
        let temp = TempDirectory("fifo")
        let dir = temp.path
        let path = dir + "/ttyACM9"
        mkfifo(path, 0o600)
        // Held open read-write, the FIFO has a writer before the reader opens it, and
        // writes never find it without a reader.
        // (CLOEXEC: a program another test starts meanwhile must not hold it open.)
        let writer = open(path, O_RDWR | O_CLOEXEC)
        let (reader, log) = await started(path)
        defer { reader.stop() }
        _ = "FIRST\r\nPART".withCString { write(writer, $0, 11) }
        #expect(await log.wait { self.codes($0) == ["FIRST"] })
        close(writer)
        #expect(await log.wait { $0.contains { if case .closed(_, "end of file") = $0 { true } else { false } } })
    }
}
