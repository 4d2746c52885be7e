import Foundation
import PackTestSupport
import PackCore
import PackTestRequirements
import Testing

/// `packd devices` under umockdev: libudev inside sees only the mocked devices.
@Suite(.offCooperativePool, .timeLimit(.minutes(1))) struct DevicesCommandTests {
    static let umockdevRun = "/usr/bin/umockdev-run"
    static let fixture = Packd.repository.appendingPathComponent("Tests/packdTests/Fixtures/scanner-and-keyboard.umockdev").path

    @Test func listsTheMockedScannerWithItsIdentityAndNeverTheKeyboardAsAScanner() throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.umockdevRun), "install umockdev (scripts/install-deps.sh)")
        let result = try Packd.runUnderUmockdev(["-d", Self.fixture], ["devices", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let stdout = result.stdout
        let devices = try stdout.split(separator: "\n").map { try JSONParser.parse(String($0)) }
        let byNode = Dictionary(uniqueKeysWithValues: devices.map { ($0["devnode"]?.stringValue ?? "", $0) })
        #expect(Set(byNode.keys) == ["/dev/input/event7", "/dev/input/event8", "/dev/ttyACM0"])

        let scanner = try #require(byNode["/dev/input/event7"])
        #expect(scanner["scanner"] == true)
        #expect(scanner["name"] == "Honeywell Imaging & Mobility 1900")
        #expect(scanner["idSerial"] == "Honeywell_Imaging___Mobility_1900_17123B4C21")
        #expect(scanner["idPath"] == "pci-0000:00:14.0-usb-0:2:1.0")
        #expect(scanner["usb"] == "0c2e:0b61")

        let keyboard = try #require(byNode["/dev/input/event8"])
        #expect(keyboard["scanner"] == false)
        #expect(keyboard["keyboard"] == true)

        let serial = try #require(byNode["/dev/ttyACM0"])
        #expect(serial["scanner"] == true)
        #expect(serial["why"] == "tagged PACKD_SCANNER=1 by udev")
        #expect(serial["kind"] == "serial")
    }

    @Test func aUSBLabelPrinterIsListedAsAPrinterNeverAsAScanner() throws {
        let fixture = Packd.repository.appendingPathComponent("Tests/packdTests/Fixtures/label-printer.umockdev").path
        let result = try Packd.runUnderUmockdev(["-d", fixture], ["devices", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let devices = try result.stdout.split(separator: "\n").map { try JSONParser.parse(String($0)) }
        #expect(devices.count == 1)
        #expect(devices.first?["devnode"] == "/dev/usb/lp0")
        #expect(devices.first?["kind"] == "printer")
        #expect(devices.first?["scanner"] == false)
        #expect(devices.first?["usb"] == "0a5f:0181")
        #expect(devices.first?["idSerial"] == "Zebra_Technologies_ZTC_ZD421-203dpi_ZPL_D4J221700123")
        let text = try Packd.runUnderUmockdev(["-d", fixture], ["devices"])
        #expect(text.stdout.contains("USB printer"))
    }

    @Test func aHIDPOSScannerIsListedByItsUsagePage() throws {
        let fixture = Packd.repository.appendingPathComponent("Tests/packdTests/Fixtures/hidpos-scanner.umockdev").path
        let result = try Packd.runUnderUmockdev(["-d", fixture], ["devices", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let devices = try result.stdout.split(separator: "\n").map { try JSONParser.parse(String($0)) }
        #expect(devices.count == 1)
        #expect(devices.first?["devnode"] == "/dev/hidraw3")
        #expect(devices.first?["kind"] == "hidpos")
        #expect(devices.first?["why"] == "a HID POS barcode scanner interface")
        #expect(devices.first?["name"] == "Honeywell 1950g HID POS")
        #expect(devices.first?["idSerial"] == "Honeywell_1950g_HIDPOS_77")
        #expect(devices.first?["usb"] == "0c2e:0b87")
    }

    @Test func theConfigurationSaysWhichStationEachScannerFeeds() throws {
        let dir = TempDirectory()
        let config = dir.file("packd.toml", """
            [[scanners]]
            station = "pack-01"
            id_serial = "Honeywell_Imaging___Mobility_1900_17123B4C21"
            """)
        let result = try Packd.runUnderUmockdev(["-d", Self.fixture], ["devices", "--config", config])
        #expect(result.status == 0, "\(result.stderr)")
        let stdout = result.stdout
        #expect(stdout.contains("feeds station pack-01 (matched by id_serial = \"Honeywell_Imaging___Mobility_1900_17123B4C21\")"))
        #expect(stdout.contains("not bound to a station: packd will not read it"))
        #expect(stdout.contains("keyboard, not a scanner: never grabbed"))
    }
}
