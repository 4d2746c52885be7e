import Foundation
import PackTestSupport
import PackTestRequirements
import Testing

/// `packd run` inside a umockdev testbed (Tests/UmockdevHarness): devices are
/// plugged in and out on command while it runs, as udev would report them.
final class UmockdevPackd {
    let run: UmockdevRun
    var log: LineWatcher { run.stderr }
    let port: Int
    let token: String

    init(dir: TempDirectory, config: String) throws {
        let notify = try NotifyListener(path: dir.sub("notify.sock"))
        let configPath = dir.file("packd.toml", "state_dir = \"\(dir.sub("state"))\"\n[api]\nlisten = \"127.0.0.1:0\"\n" + config)
        run = try UmockdevRun(["run", "--config", configPath], environment: ["NOTIFY_SOCKET": notify.path])
        guard notify.wait(for: "READY=1", timeout: 30) else {
            run.process.terminate()
            throw PollTimeout("packd in the testbed not ready within 30 s: \(run.stderr.lines)")
        }
        let status = notify.matched ?? ""
        port = Int(status.split(separator: "127.0.0.1:").last?.prefix { $0.isNumber } ?? "") ?? 0
        token = try String(contentsOfFile: dir.sub("state/api.token"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func send(_ command: String, done: String) throws { try run.send(command, done: done) }
    func add(_ fixture: String) throws { try run.add(fixture) }
    func remove(_ fixture: String) throws { try run.remove(fixture) }
    func write(_ node: String, _ bytes: [UInt8]) throws { try run.write(node, bytes) }

    func post(_ path: String, _ json: String) throws -> Int {
        try HTTPClient.json(port: port, method: "POST", path: path, token: token, json: json).status
    }

    func events(_ station: String) throws -> SSEClient {
        try SSEClient(port: port, path: "/v1/stations/\(station)/events", token: token)
    }

    func quit() { run.quit() }

    static func fixture(_ name: String) -> String { UmockdevRun.fixture(name) }
}

@Suite(.offCooperativePool, .timeLimit(.minutes(2))) struct DaemonHotplugTests {
    let dir = TempDirectory()

    @Test func aHotPluggedScannerFeedsItsStation() throws {
        let packd = try UmockdevPackd(dir: dir, config: """
            [[scanners]]
            station = "pack-01"
            id_serial = "Honeywell_Imaging___Mobility_1900_17123B4C21"
            # evemu replays can pause ~100 ms mid-code (see HotplugTests).
            inter_key_timeout_ms = 2000
            """)
        defer { packd.quit() }
        let order = #"{"id": "HP-1", "status": "approved", "waybill": "A1", "lines": [{"sku": "B2", "qty": 1}]}"#
        #expect(try packd.post("/v1/orders", order) == 200)
        let events = try packd.events("pack-01")

        try packd.add(HotplugTests.fixture)
        #expect(packd.log.wait { $0.contains { $0.contains("scanner reading") && $0.contains("/dev/input/event7") } }, "\(packd.log.lines)")
        let script = dir.file("events", Evemu.script(["A1", "B2"], keys: HotplugTests.keys))
        try packd.send("events /dev/input/event7 \(script)", done: "events loaded")
        let outcomes = try events.collect { $0.event == "outcome" && $0.data.contains("parcel_completed") }
            .filter { $0.event == "outcome" }
        #expect(outcomes.count == 2)
        #expect(outcomes.first?.data.contains(#""outcome":"parcel_opened""#) == true)
        #expect(outcomes.first?.data.contains(#""device":"/dev/input/event7""#) == true)

        try packd.remove(HotplugTests.fixture)
        #expect(packd.log.wait { $0.contains { $0.contains("scanner removed") } }, "\(packd.log.lines)")
        let devices = try HTTPClient.request(port: packd.port, method: "GET", path: "/v1/devices", token: packd.token).text
        #expect(devices.contains(#""state":"removed""#), "\(devices)")
    }

    /// A CDC-ACM serial scanner and a HID POS scanner, each bound to its station by
    /// its USB serial: plugged in, read, unplugged mid-code. The station sees each
    /// change as a `device` event.
    @Test(.timeLimit(.minutes(2)))
    func serialAndHIDPOSScannersPluggedInAndOutUnderTheDaemonFeedTheirStations() throws {
        let packd = try UmockdevPackd(dir: dir, config: """
            [[scanners]]
            station = "pack-01"
            id_serial = "Newland_NLS-HR32_CDC_SN0042"
            [[scanners]]
            station = "pack-02"
            id_serial = "Honeywell_1950g_HIDPOS_77"
            """)
        defer { packd.quit() }
        let orders = (1...2).map { #"{"id": "HP-\#($0)", "status": "approved", "waybill": "WB\#($0)", "lines": [{"sku": "SKU\#($0)", "qty": 1}]}"# }
        #expect(try packd.post("/v1/orders", "{\"orders\": [\(orders.joined(separator: ","))]}") == 200)

        // Each scanner: its station, fixture, node, the order it ships, how it
        // frames a code, and half a code.
        let scanners: [(String, String, String, Int, (String) -> [UInt8], [UInt8])] = [
            ("pack-01", "serial-scanner", "/dev/ttyACM0", 1, { Array("\($0)\r\n".utf8) }, Array("WB".utf8)),
            ("pack-02", "hidpos-scanner", "/dev/hidraw3", 2, { Self.hidposReport($0) }, Self.hidposReport("WB", continues: true)),
        ]
        for (station, name, node, n, frame, half) in scanners {
            let fixture = UmockdevPackd.fixture(name)
            let events = try packd.events(station)
            func device(_ state: String, _ node: String = node) throws {
                let seen = try events.collect { $0.event == "device" && $0.data.contains(#""state":"\#(state)""#) }
                #expect(seen.last?.data.contains(#""\#(node)""#) == true, "\(seen.last?.data ?? "")")
            }
            try packd.add(fixture)
            try device("reading")
            try packd.write(node, frame("WB\(n)") + frame("SKU\(n)"))
            let outcomes = try events.collect { $0.event == "outcome" && $0.data.contains(#"SKU\#(n)""#) }
                .filter { $0.event == "outcome" }.map(\.data)
            #expect(outcomes.count == 2 && outcomes.allSatisfy { $0.contains(#""device":"\#(node)""#) }, "\(outcomes)")
            #expect(outcomes.last?.contains(#""outcome":"parcel_completed""#) == true, "\(outcomes)")
            // Half a code, then the cable is pulled: the half is dropped.
            try packd.write(node, half)
            try packd.remove(fixture)
            try device("removed")
            // Plugged in again, the scanner feeds its station again (bound by its
            // serial, under the next node name: the kernel's while packd still
            // holds the old node open, and umockdev's, see Tests/UmockdevHarness).
            let (replugged, again) = try Self.renamed(fixture, node, in: dir)
            try packd.add(replugged)
            try device("reading", again)
            try packd.write(again, frame("WB\(n)"))
            let shipped = try events.collect { $0.event == "outcome" && $0.data.contains("WB\(n)") }
                .filter { $0.event == "outcome" }.map(\.data)
            #expect(shipped.last?.contains(#""outcome":"already_shipped""#) == true, "\(shipped)")
            #expect(shipped.last?.contains(#""device":"\#(again)""#) == true, "\(shipped)")
            try packd.remove(replugged)
            try device("removed", again)
        }
    }

    /// The fixture with its device node's number one higher (ttyACM0 -> ttyACM1).
    static func renamed(_ fixture: String, _ node: String, in dir: TempDirectory) throws -> (String, String) {
        let name = String(node.dropFirst("/dev/".count))
        let stem = name.prefix { !$0.isNumber }
        let next = "\(stem)\(Int(name.dropFirst(stem.count))! + 1)"
        let description = try String(contentsOfFile: fixture, encoding: .utf8).replacingOccurrences(of: name, with: next)
        return (dir.file("\(next).umockdev", description), "/dev/\(next)")
    }

    /// A HID POS Scanned Data report (HIDPOSDecoder): id 2, length, AIM `]C0`,
    /// the code, bit 0 of byte 63 set when the code continues in the next one.
    static func hidposReport(_ code: String, continues: Bool = false) -> [UInt8] {
        var report = [UInt8](repeating: 0, count: 64)
        let data = Array(code.utf8)
        report[0] = 2
        report[1] = UInt8(data.count)
        report.replaceSubrange(2..<5, with: Array("]C0".utf8))
        report.replaceSubrange(5..<5 + data.count, with: data)
        report[63] = continues ? 1 : 0
        return report
    }
}
