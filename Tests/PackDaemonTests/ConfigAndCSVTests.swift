import PackCore
import PackDaemon
import PackTestRequirements
import Testing

@Suite(.offCooperativePool) struct ConfigLoaderTests {
    @Test func fullConfigurationIsRead() throws {
        let config = try ConfigLoader.parse(
            """
            state_dir = "/srv/packd"
            [core]
            mode = "remote"
            url = "https://erp.example/core"
            token_file = "/etc/packd/core.token"
            feed = "pull"
            poll_interval_ms = 5000
            [api]
            listen = "unix:/run/packd/api.sock"
            token_file = "/etc/packd/api.token"
            [display]
            language = "zh-CN"
            [store]
            backend = "sqlite"
            [retention]
            book_hours = 24
            journal_days = 7
            [engine]
            require_ack = false
            debounce_ms = 150
            label_policy = "on_open"
            ack_code = "OK"
            badge_prefix = "EMP:"
            [stations.pack-01]
            single_item = false
            [stations.pack-02]
            """, file: "t.toml")
        #expect(config.stateDirectory == "/srv/packd")
        #expect(config.coreMode == .remote)
        #expect(config.core.url == "https://erp.example/core")
        #expect(config.core.feed == .pull)
        #expect(config.core.link.pollIntervalMs == 5000)
        #expect(config.api.listen == .unix(path: "/run/packd/api.sock"))
        #expect(config.api.tokenFile == "/etc/packd/api.token")
        #expect(config.display.language == "zh-CN")
        #expect(config.retention.bookHours == 24)
        #expect(config.retention.journalDays == 7)
        #expect(config.engine.requireAck == false)
        #expect(config.engine.debounceMs == 150)
        #expect(config.engine.labelPolicy == .onOpen)
        #expect(config.engine.controlCodes.acknowledge == "OK")
        let one = config.engineConfig(forStation: "pack-01")
        #expect(one.singleItem == false)
        #expect(one.debounceMs == 150)  // inherited from [engine]
        #expect(config.engineConfig(forStation: "other").singleItem == true)
        #expect(config.defaultStation(fallback: "x") == "x")
    }

    @Test(arguments: [
        ("mode = 1", "mode: unknown key"),
        ("[core]\nmode = \"remote\"", "core.url: is required when core.mode is \"remote\""),
        ("[core]\nurl = \"ftp://x\"", "core.url: must be an http:// or https:// URL, not \"ftp://x\""),
        ("[api]\nlisten = \"7780\"", "api.listen: must be HOST:PORT (\"127.0.0.1:7780\") or unix:/PATH, not \"7780\""),
        ("[api]\nlisten = \"127.0.0.1:99999\"", "api.listen: must be HOST:PORT"),
        ("[api]\ntoken_file = \"api.token\"", "api.token_file: must be an absolute path, not \"api.token\""),
        ("[display]\nlanguage = \"fr\"", "display.language: must be \"zh-CN\" or \"en\", not \"fr\""),
        ("[store]\nbackend = \"mysql\"", "store.backend: must be \"sqlite\" or \"postgres\", not \"mysql\""),
        ("[retention]\nbook_hours = 0", "retention.book_hours: must be between 1 and 8760, not 0"),
        ("[engine]\ndebounce_ms = 99999", "engine.debounce_ms: must be between 0 and 10000, not 99999"),
        ("[engine]\nack_code = \" OK\"", "engine.ack_code: must be a non-empty code without surrounding spaces"),
        ("[engine]\ncancel_code = \"PACKD:ACK\"", "engine: the acknowledge, cancel and reprint codes must differ"),
        ("[stations.a]\nsingel_item = true", "stations.a.singel_item: unknown key"),
        ("engine = 3", "engine: must be a table"),
        ("[printers.p]\nlanguage = \"epl\"", "printers.p.language: must be zpl, tspl, pdf or png, not \"epl\""),
        ("[printers.p]\ndpi = 600", "printers.p.dpi: must be 203 or 300, not 600"),
        ("[printers.p]\nmedia = \"4x6in\"", "printers.p.media: must be WIDTHxHEIGHT in millimetres"),
        ("[printers.p]\nlanguage = \"tspl\"\ndarkness = 20", "printers.p.darkness: must be between 0 and 15, not 20"),
        ("[printers.p]\nquee = \"x\"", "printers.p.quee: unknown key"),
        ("[printers.p]\noffset_x_mm = 50", "printers.p.offset_x_mm: must be between -20.0 and 20.0, not 50.0"),
        ("[cups]\nhost = \"x\"", "cups.host: unknown key"),
    ])
    func problemsNameTheKey(_ text: String, _ expected: String) {
        do {
            _ = try ConfigLoader.parse(text, file: "t.toml")
            Issue.record("accepted")
        } catch {
            #expect(error.description.hasPrefix("t.toml: \(expected)"), "\(error.description)")
        }
    }

    @Test func printersAndStationPrinters() throws {
        let config = try ConfigLoader.parse(
            """
            [cups]
            server = "/run/cups/cups.sock"
            [printers.label-1]
            queue = "zebra1"
            language = "tspl"
            dpi = 300
            media = "76x130"
            darkness = 12
            speed = 3
            offset_x_mm = -1.5
            offset_y_mm = 2
            max_attempts = 3
            retry_delay_ms = 100
            direction = 0
            [engine]
            printer = "label-1"
            [stations.pack-02]
            printer = "office"
            """, file: "t.toml")
        #expect(config.cupsServer == "/run/cups/cups.sock")
        let p = try #require(config.printers["label-1"])
        #expect(p.queue == "zebra1" && p.language == .tspl && p.dpi == 300 && p.widthMm == 76 && p.heightMm == 130)
        #expect(p.darkness == 12 && p.speed == 3 && p.offsetXMm == -1.5 && p.offsetYMm == 2)
        #expect(p.maxAttempts == 3 && p.retryDelayMs == 100 && p.direction == 0)
        #expect(config.printer(forStation: "pack-01")?.name == "label-1")
        // A printer no profile names is a CUPS queue with the defaults.
        #expect(config.printer(forStation: "pack-02") == PrinterProfile(name: "office"))
        #expect(PackConfig().printer(forStation: "pack-01") == nil)
    }

    @Test func brokenTOMLNamesTheLine() {
        do {
            _ = try ConfigLoader.parse("[engine]\nrequire_ack = = true\n", file: "t.toml")
            Issue.record("accepted")
        } catch {
            #expect(error.line == 2)
            #expect(error.description.hasPrefix("t.toml:2: not valid TOML"))
        }
    }

    @Test func aMissingFileIsAnError() {
        #expect(throws: ConfigError.self) { try ConfigLoader.load(path: "/nonexistent/packd.toml") }
    }
}

@Suite(.offCooperativePool) struct CSVOrderReaderTests {
    @Test func rowsBecomeOrdersAndParcels() throws {
        let csv = """
            ORDER_ID,Status,waybill,sku,qty,barcodes,recipient_name,label_template,label.routeCode
            A,approved,W1,X,2,4006381333931|0012345678905,"Lee, Ann",waybill-100x150,SZX
            A,,W1,Y,1,,,,
            A,,W2,X,1,,,,
            B,cancelled,W3,Z,1,,,,
            """
        let orders = try CSVOrderReader.read(Array(csv.utf8))
        #expect(orders.map(\.id) == ["A", "B"])
        let a = orders[0]
        #expect(a.lines.map(\.sku) == ["X", "Y"])
        #expect(a.lines[0].qty == 3)
        #expect(a.lines[0].barcodes == ["4006381333931", "0012345678905"])
        #expect(a.recipient?.name == "Lee, Ann")
        #expect(a.parcels.map(\.waybill) == ["W1", "W2"])
        #expect(a.parcels.map(\.id) == ["A-1", "A-2"])
        #expect(a.parcels[0].lines == [ParcelLine(sku: "X", qty: 2), ParcelLine(sku: "Y", qty: 1)])
        #expect(a.parcels[0].label == .template(name: "waybill-100x150", fields: ["routeCode": "SZX"]))
        #expect(orders[1].status == .cancelled)
    }

    @Test(arguments: [
        ("order_id,status,waybill,sku,qty,colour\nA,approved,W,X,1,red\n", #"row 1: unknown column "colour""#),
        ("order_id,status,waybill,sku,qty\nA,approved,W,X,1\nA,approved,W,X,1\n", #"row 3, column sku: "X" appears twice for waybill W of order A"#),
        ("order_id,status,waybill,sku,qty\nA,approved,,X,1\n", "row 2, column waybill: is required"),
        ("order_id,status,waybill,sku,qty,approved_at\nA,approved,W,X,1,tomorrow\n", #"row 2 (orders[0].approvedAt): must be an RFC 3339 time"#),
        ("order_id,status,waybill,sku,qty\nA,paid,W,X,1\n", "row 2 (orders[0].status): must be one of"),
    ])
    func problemsNameTheRow(_ csv: String, _ expected: String) {
        do {
            _ = try CSVOrderReader.read(Array(csv.utf8))
            Issue.record("accepted")
        } catch {
            #expect(error.description.contains(expected), "\(error.description)")
        }
    }
}

import PackDevices

@Suite(.offCooperativePool) struct ScannerBindingTests {
    static let text = """
        [[scanners]]
        station = "pack-01"
        id_serial = "Honeywell_1900_17123B4C21"
        layout = "de"

        [[scanners]]
        station = "pack-02"
        usb = "0c2e:0b61"
        suffix = "#"

        [[scanners]]
        station = "pack-03"
        device = "/dev/ttyACM0"
        baud = 115200
        parity = "even"
        """

    @Test func bindingsAreReadAndTheMostSpecificMatchWins() throws {
        let config = try ConfigLoader.parse(Self.text, file: "t.toml")
        #expect(config.scanners.count == 3)
        let honeywell = DeviceIdentity(
            kind: .input, devnode: "/dev/input/event7", syspath: "/sys/x", serial: "Honeywell_1900_17123B4C21",
            vendorId: "0c2e", productId: "0b61")
        let other = DeviceIdentity(
            kind: .input, devnode: "/dev/input/event9", syspath: "/sys/y", serial: "Honeywell_1900_OTHER", vendorId: "0C2E",
            productId: "0B61")
        #expect(config.binding(for: honeywell)?.station == "pack-01")
        #expect(config.binding(for: honeywell)?.layout == "de")
        #expect(config.binding(for: other)?.station == "pack-02")
        #expect(config.binding(for: other)?.suffix == "#")
        let serial = try #require(config.binding(for: DeviceIdentity(kind: .serial, devnode: "/dev/ttyACM0", syspath: "/sys/z")))
        #expect(serial.station == "pack-03")
        #expect(serial.serial.baud == 115_200)
        #expect(serial.serial.parity == .even)
        #expect(config.binding(for: DeviceIdentity(kind: .serial, devnode: "/dev/ttyUSB3", syspath: "/sys/w")) == nil)
    }

    @Test(arguments: [
        ("[[scanners]]\nid_serial = \"x\"", "scanners[0].station: is required"),
        ("[[scanners]]\nstation = \"a\"", "scanners[0]: needs exactly one of device, id_serial, id_path, usb"),
        ("[[scanners]]\nstation = \"a\"\nusb = \"honeywell\"", "scanners[0].usb: must be vendor:product in hex"),
        ("[[scanners]]\nstation = \"a\"\ndevice = \"/dev/x\"\nbaud = 1234", "scanners[0].baud: must be one of"),
        ("[[scanners]]\nstation = \"a\"\ndevice = \"/dev/x\"\nlayuot = \"de\"", "scanners[0].layuot: unknown key"),
    ])
    func badBindingsAreRefusedPrecisely(_ text: String, _ expected: String) {
        do {
            _ = try ConfigLoader.parse(text, file: "t.toml")
            Issue.record("accepted")
        } catch {
            #expect(error.description.hasPrefix("t.toml: \(expected)"), "\(error.description)")
        }
    }
}

import Foundation
import PackTestSupport

@Suite(.offCooperativePool) struct ScannerKeymapConfigTests {
    @Test func aKeymapFileIsLoadedAndCheckedWithTheConfiguration() throws {
        let temp = TempDirectory("keymap")
        let dir = temp.path
        let good = dir + "/scanner.xkb"
        try KeymapDecoder(layout: "de").keymapText.write(toFile: good, atomically: true, encoding: .utf8)
        let bad = dir + "/broken.xkb"
        try "xkb_keymap { nonsense".write(toFile: bad, atomically: true, encoding: .utf8)

        let config = try ConfigLoader.parse(
            "[[scanners]]\nstation = \"p\"\ndevice = \"/dev/input/event3\"\nkeymap_file = \"\(good)\"", file: "t.toml")
        #expect(config.scanners[0].keymap?.path == good)
        #expect(config.scanners[0].keymap?.text.contains("xkb_keymap") == true)

        for (text, expected) in [
            ("keymap_file = \"\(bad)\"", "scanners[0].keymap_file: \(bad): not a valid XKB keymap"),
            ("keymap_file = \"\(dir)/missing.xkb\"", "scanners[0].keymap_file: \"\(dir)/missing.xkb\" cannot be read"),
            ("layout = \"klingon\"", "scanners[0].layout: unknown keyboard layout \"klingon\""),
        ] {
            do {
                _ = try ConfigLoader.parse("[[scanners]]\nstation = \"p\"\ndevice = \"/dev/x\"\n\(text)", file: "t.toml")
                Issue.record("accepted \(text)")
            } catch {
                #expect(error.description.hasPrefix("t.toml: \(expected)"), "\(error.description)")
            }
        }
    }
}
