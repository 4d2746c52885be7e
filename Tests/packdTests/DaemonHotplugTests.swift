import Foundation
import PackTestSupport
import Testing

/// `packd run` in a umockdev testbed: a keyboard-wedge scanner bound by its USB
/// serial is plugged in, feeds its station, and is released when unplugged.
@Suite(.timeLimit(.minutes(1))) struct DaemonHotplugTests {
    let dir = TempDirectory()

    @Test func aHotPluggedScannerFeedsItsStation() throws {
        let notify = try NotifyListener(path: dir.sub("notify.sock"))
        let config = dir.file("packd.toml", """
            state_dir = "\(dir.sub("state"))"
            [[scanners]]
            station = "pack-01"
            id_serial = "Honeywell_Imaging___Mobility_1900_17123B4C21"
            # evemu replays can pause ~100 ms mid-code (see HotplugTests).
            inter_key_timeout_ms = 2000
            [api]
            listen = "127.0.0.1:0"
            """)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: HotplugTests.harness)
        process.arguments = ["--", Packd.binary, "run", "--config", config]
        var env = ProcessInfo.processInfo.environment
        env["LD_PRELOAD"] = "libumockdev-preload.so.0"
        env["NOTIFY_SOCKET"] = notify.path
        process.environment = env
        let input = Pipe()
        let err = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = err
        try process.startDyingWithUs()
        let log = LineWatcher(err.fileHandleForReading)
        func send(_ command: String) { input.fileHandleForWriting.write(Data((command + "\n").utf8)) }
        defer {
            send("quit")
            process.waitUntilExit(seconds: 60)
        }
        #expect(notify.wait(for: "READY=1", timeout: 30), "\(log.lines)")
        let status = notify.matched ?? ""
        let port = try #require(Int(status.split(separator: "127.0.0.1:").last?.prefix { $0.isNumber } ?? ""))
        let token = try String(contentsOfFile: dir.sub("state/api.token"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let order = #"{"id": "HP-1", "status": "approved", "waybill": "A1", "lines": [{"sku": "B2", "qty": 1}]}"#
        #expect(try HTTPClient.json(port: port, method: "POST", path: "/v1/orders", token: token, json: order).status == 200)
        let events = try SSEClient(port: port, path: "/v1/stations/pack-01/events", token: token)

        send("add \(HotplugTests.fixture)")
        #expect(log.wait { $0.contains { $0.contains("scanner reading") && $0.contains("/dev/input/event7") } }, "\(log.lines)")
        let script = dir.file("events", Evemu.script(["A1", "B2"], keys: HotplugTests.keys))
        send("events /dev/input/event7 \(script)")
        let outcomes = try events.collect { $0.event == "outcome" && $0.data.contains("parcel_completed") }
            .filter { $0.event == "outcome" }
        #expect(outcomes.count == 2)
        #expect(outcomes.first?.data.contains(#""outcome":"parcel_opened""#) == true)
        #expect(outcomes.first?.data.contains(#""device":"/dev/input/event7""#) == true)

        send("remove \(HotplugTests.fixture)")
        #expect(log.wait { $0.contains { $0.contains("scanner removed") } }, "\(log.lines)")
        let devices = try HTTPClient.request(port: port, method: "GET", path: "/v1/devices", token: token).text
        #expect(devices.contains(#""state":"removed""#), "\(devices)")
    }
}
