import Foundation
import PackCore
import PackStore
import PackTestSupport
import PackTestRequirements
import Testing

/// Inputs that crashed or poisoned packd (issue 10), through the commands a user
/// runs: each is refused with an error naming its field, or handled, and packd
/// stays able to read its journal.
@Suite(.offCooperativePool) struct HostileInputTests {
    let dir = TempDirectory()
    let at = ["--at", "2026-11-22T09:15:00Z", "--utc-offset", "8"]

    var state: String { dir.sub("state") }

    /// The first sample order as a JSON object, changed by `edit`.
    func sampleOrder(_ edit: (inout [String: Any]) -> Void) throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: Packd.sample("orders.json")))
        let document = try JSONSerialization.jsonObject(with: data)
        let orders = (document as? [[String: Any]]) ?? ((document as? [String: Any])?["orders"] as? [[String: Any]]) ?? []
        var order = try #require(orders.first)
        edit(&order)
        return String(decoding: try JSONSerialization.data(withJSONObject: order), as: UTF8.self)
    }

    func firstParcel(_ order: inout [String: Any], _ edit: (inout [String: Any]) -> Void) {
        var parcels = order["parcels"] as? [[String: Any]] ?? []
        edit(&parcels[0])
        order["parcels"] = parcels
    }

    @Test func aHugeWeightIsRefusedNamingTheFieldNotACrash() throws {
        for weight in ["1e19", "-0.5", "1e308", "10000001"] {
            let json = try sampleOrder { order in firstParcel(&order) { $0["expectedWeightG"] = 320 } }
                .replacingOccurrences(of: "\"expectedWeightG\":320", with: "\"expectedWeightG\":\(weight)")
            #expect(json.contains(weight))
            let file = dir.file("weight.json", json)
            let result = try Packd.run(["label", "render", "--order", file, "--format", "zpl", "-o", "/dev/null"] + at)
            #expect(result.status == 2, "\(weight): \(result.stderr)")
            #expect(result.stderr.contains("parcels[0].expectedWeightG: must be"), "\(weight): \(result.stderr)")
        }
        // A number JSON cannot hold at all is a syntax error, not infinity.
        let file = dir.file(
            "inf.json", try sampleOrder { order in firstParcel(&order) { $0["expectedWeightG"] = 320 } }
                .replacingOccurrences(of: "\"expectedWeightG\":320", with: "\"expectedWeightG\":1e999"))
        let result = try Packd.run(["label", "render", "--order", file, "--format", "zpl", "-o", "/dev/null"] + at)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("order.parcels[0].expectedWeightG: number 1e999 is out of range"), "\(result.stderr)")
    }

    @Test func aNumberOutOfRangeInAnOrdersFileNamesItsField() throws {
        let good = #"{"id": "A", "status": "approved", "waybill": "WA", "lines": [{"sku": "X", "qty": 1}]}"#
        let bad = #"{"id": "B", "status": "approved", "waybill": "WB", "lines": [{"sku": "X", "qty": 1e400}]}"#
        for (text, path) in [("[\(good), \(bad)]", "orders[1].lines[0].qty"), (#"{"orders": [\#(bad)]}"#, "orders[0].lines[0].qty")] {
            let file = dir.file("range.json", text)
            let state = dir.path + "/state-\(path.count)-\(text.count)"
            let result = try Packd.run(["orders", "import", file, "--state", state])
            #expect(result.status == 2, "\(result.stderr)")
            #expect(result.stderr.contains("\(path): number 1e400 is out of range"), "\(result.stderr)")
        }
        // The same in a replay's script line, which names the order by "order".
        let orders = dir.file("orders.json", "[\(good)]")
        let scans = dir.file("scans.jsonl", #"{"order": \#(bad)}"# + "\n")
        let replay = try Packd.run(["replay", "--orders", orders, "--scans", scans])
        #expect(replay.status == 2, "\(replay.stderr)")
        #expect(replay.stderr.contains("order.lines[0].qty: number 1e400 is out of range"), "\(replay.stderr)")
    }

    @Test func aLabelWrittenToADeviceOrAFIFOIsWrittenInPlace() throws {
        // A FIFO another program reads: the label arrives there, not in a file renamed over it.
        let fifo = dir.path + "/label.fifo"
        #expect(mkfifo(fifo, 0o600) == 0)
        let received = Shared<[UInt8]>([])
        let reader = Thread {
            let fd = open(fifo, O_RDONLY)
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while fd >= 0 {
                let n = read(fd, &buffer, buffer.count)
                if n <= 0 { break }
                bytes += buffer[..<n]
            }
            close(fd)
            received.withLock { $0 = bytes }
        }
        reader.start()
        let result = try Packd.run(["label", "render", "--order", Packd.sample("orders.json"), "--format", "zpl", "-o", fifo] + at)
        #expect(result.status == 0, "\(result.stderr)")
        try waitUntil("the FIFO's reader has the label", seconds: 10) { !received.withLock { $0.isEmpty } }
        #expect(String(decoding: received.withLock { $0 }.prefix(3), as: UTF8.self) == "^XA")
        var info = stat()
        #expect(lstat(fifo, &info) == 0 && (info.st_mode & S_IFMT) == S_IFIFO)
        // /dev/null stays the device (as root a renamed temporary file replaced it).
        #expect(try Packd.run(["label", "render", "--order", Packd.sample("orders.json"), "--format", "zpl", "-o", "/dev/null"] + at).status == 0)
        #expect(stat("/dev/null", &info) == 0 && (info.st_mode & S_IFMT) == S_IFCHR)
    }

    @Test func aCSVWeightOfInfinityIsRefusedAndTheJournalStaysReadable() async throws {
        let header = "order_id,status,waybill,sku,qty,expected_weight_g,unit_weight_g\n"
        for (cell, column) in [("inf", "expected_weight_g"), ("nan", "expected_weight_g"), ("0x1p3", "expected_weight_g"),
            ("1e400", "unit_weight_g"), ("99999999", "unit_weight_g")]
        {
            let row = column == "expected_weight_g" ? "C-1,approved,WB1,SKU-1,1,\(cell),\n" : "C-1,approved,WB1,SKU-1,1,,\(cell)\n"
            let file = dir.file("orders.csv", header + row)
            let result = try Packd.run(["orders", "import", file, "--state", state])
            #expect(result.status == 2, "\(cell): \(result.stderr)")
            #expect(result.stderr.contains("row 2, column \(column): must be a number of grams"), "\(cell): \(result.stderr)")
        }
        let overflow = dir.file(
            "qty.csv", "order_id,status,waybill,sku,qty\nC-2,approved,WB2,SKU-1,9223372036854775807\nC-2,approved,WB3,SKU-1,1\n")
        let refused = try Packd.run(["orders", "import", overflow, "--state", state])
        #expect(refused.status == 2, "\(refused.stderr)")
        #expect(refused.stderr.contains("row 2, column qty: must be a whole number from 1 to 100000"), "\(refused.stderr)")

        let fine = dir.file("fine.csv", header + "C-1,approved,WB1,SKU-1,1,12.5,3\n")
        let imported = try Packd.run(["orders", "import", fine, "--state", state])
        #expect(imported.status == 0, "\(imported.stderr)")
        let order = try #require(try await SQLiteJournal(directory: state).order(id: "C-1"))
        #expect(order.parcels[0].expectedWeightG == 12.5)
        #expect(try await SQLiteJournal(directory: state).loadBook().orderCount == 1)
    }

    @Test func anOrderCannotNameATemplateFile() throws {
        let secret = dir.file("secret.json", #"{"size": {"width": 100, "height": 150}, "elements": []}"#)
        for name in [secret, "../templates/waybill-100x150", ".hidden", "waybill 100x150"] {
            let json = try sampleOrder { order in firstParcel(&order) { $0["label"] = ["template": name] } }
            let file = dir.file("order.json", json)
            let result = try Packd.run(["label", "render", "--order", file, "--format", "zpl", "-o", "/dev/null"] + at)
            #expect(result.status == 2, "\(name): \(result.stderr)")
            #expect(result.stderr.contains("parcels[0].label.template: must be a template name"), "\(name): \(result.stderr)")
        }
        // A name ending in .json is a name: no file of that name is read.
        let json = try sampleOrder { order in firstParcel(&order) { $0["label"] = ["template": "secret.json"] } }
        let result = try Packd.run(
            ["label", "render", "--order", dir.file("order.json", json), "--format", "zpl", "-o", "/dev/null"] + at,
            directory: dir.path)
        #expect(result.status != 0)
        #expect(result.stderr.contains("no template named \"secret.json\""), "\(result.stderr)")
    }

    @Test func templateImagesStayInsideTheTemplatesDirectory() throws {
        let templates = dir.sub("templates")
        try FileManager.default.createDirectory(atPath: templates, withIntermediateDirectories: true)
        // Any PNG will do: packd's own label as one.
        let rendered = try Packd.run(
            ["label", "render", "--order", Packd.sample("orders.json"), "--format", "png", "-o", dir.sub("outside.png")] + at)
        #expect(rendered.status == 0, "\(rendered.stderr)")
        let png = try Data(contentsOf: URL(fileURLWithPath: dir.sub("outside.png")))
        try FileManager.default.createSymbolicLink(atPath: "\(templates)/link.png", withDestinationPath: dir.sub("outside.png"))
        for (file, message) in [
            (dir.sub("outside.png"), "no absolute path"), ("../outside.png", "no absolute path"),
            ("link.png", "outside the template's directory"),
        ] {
            let template = "\(templates)/logo.json"
            try #"{"size": {"width": 100, "height": 150}, "elements": [{"type": "image", "file": "\#(file)", "x": 1, "y": 1, "width": 20, "height": 20}]}"#
                .write(toFile: template, atomically: true, encoding: .utf8)
            let result = try Packd.run(
                ["label", "render", "--order", Packd.sample("orders.json"), "--template", template, "--format", "zpl", "-o", "/dev/null"])
            #expect(result.status == 2, "\(file): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(file): \(result.stderr)")
        }
        try png.write(to: URL(fileURLWithPath: "\(templates)/inside.png"))
        try #"{"size": {"width": 100, "height": 150}, "elements": [{"type": "image", "file": "inside.png", "x": 1, "y": 1, "width": 20, "height": 20}]}"#
            .write(toFile: "\(templates)/logo.json", atomically: true, encoding: .utf8)
        let result = try Packd.run(
            ["label", "render", "--order", Packd.sample("orders.json"), "--template", "\(templates)/logo.json", "--format", "zpl", "-o", "/dev/null"])
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test func longCustomerTextPrintsOneLabelAndUnknownFieldsAreKept() async throws {
        // 2,700 Chinese characters (8,100 bytes), then 64 KiB of them.
        for count in [2_700, 21_845] {
            let address = String(repeating: "浙", count: count)
            let json = try sampleOrder { order in
                var recipient = order["recipient"] as? [String: Any] ?? [:]
                recipient["address1"] = address
                order["recipient"] = recipient
                order["erpNotes"] = String(repeating: "x", count: 200_000)
                order["erpExtra"] = ["deep": [String(repeating: "y", count: 100_000)]]
            }
            let file = dir.file("long.json", json)
            let out = dir.sub("long.zpl")
            let result = try Packd.run(["label", "render", "--order", file, "--format", "zpl", "-o", out] + at, timeout: 60)
            #expect(result.status == 0, "\(count): \(result.stderr)")
            let zpl = try String(contentsOfFile: out, encoding: .utf8)
            #expect(zpl.components(separatedBy: "^XA").count == 2, "one label")

            let imported = try Packd.run(["orders", "import", dir.file("long-list.json", "[\(json)]"), "--state", state])
            #expect(imported.status == 0, "\(count): \(imported.stderr.prefix(600))")
            let order = try #require(try await SQLiteJournal(directory: state).order(id: "SO-1001"))
            #expect(order.recipient?.address1 == address)
            guard case .object(let members) = order.source, case .string(let notes)? = members["erpNotes"] else {
                Issue.record("the unknown field was not kept")
                return
            }
            #expect(notes.utf8.count == 200_000)
        }
        // One byte over 64 KiB is refused, naming the field.
        let json = try sampleOrder { order in
            var recipient = order["recipient"] as? [String: Any] ?? [:]
            recipient["address1"] = String(repeating: "a", count: 65_537)
            order["recipient"] = recipient
        }
        let result = try Packd.run(["orders", "import", dir.file("over.json", "[\(json)]"), "--state", state])
        #expect(result.status == 2)
        #expect(result.stderr.contains("recipient.address1: is 65537 bytes long; at most 65536 are allowed"), "\(result.stderr)")
    }

    @Test func picturesBeyondTheLimitsAreRefusedNamingTheSize() throws {
        // A carrier's PNG: fine at 800 x 1200, refused at 4001 x 4001 (16 million pixels and more).
        for (width, height, refused) in [(800, 1200, false), (4_001, 4_001, true), (10_001, 10, true)] {
            let png = TestPNG.white(width: width, height: height)
            let json = try sampleOrder { order in
                firstParcel(&order) { $0["label"] = ["document": ["format": "png", "base64": Data(png).base64EncodedString()]] }
            }
            let result = try Packd.run(
                ["label", "render", "--order", dir.file("doc.json", json), "--format", "zpl", "-o", "/dev/null"] + at)
            if refused {
                #expect(result.status == 2, "\(width)x\(height): \(result.stderr)")
                #expect(result.stderr.contains("a \(width) x \(height) PNG is too large"), "\(result.stderr)")
            } else {
                #expect(result.status == 0, "\(width)x\(height): \(result.stderr)")
            }
        }
        // A template's image is held to the same limits.
        let templates = dir.sub("big")
        try FileManager.default.createDirectory(atPath: templates, withIntermediateDirectories: true)
        try Data(TestPNG.white(width: 10_001, height: 2)).write(to: URL(fileURLWithPath: "\(templates)/wide.png"))
        try #"{"size": {"width": 100, "height": 150}, "elements": [{"type": "image", "file": "wide.png", "x": 1, "y": 1, "width": 20, "height": 20}]}"#
            .write(toFile: "\(templates)/t.json", atomically: true, encoding: .utf8)
        let result = try Packd.run(
            ["label", "render", "--order", Packd.sample("orders.json"), "--template", "\(templates)/t.json", "--format", "png", "-o", "/dev/null"])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("a 10001 x 2 PNG is too large"), "\(result.stderr)")
    }

    @Test func aPDFOfManyPagesIsNotALabel() throws {
        for (pages, refused) in [(2, false), (51, true)] {
            let pdf = TestPDF.blank(pages: pages)
            let json = try sampleOrder { order in
                firstParcel(&order) { $0["label"] = ["document": ["format": "pdf", "base64": Data(pdf).base64EncodedString()]] }
            }
            let result = try Packd.run(
                ["label", "render", "--order", dir.file("pdf.json", json), "--format", "zpl", "-o", "/dev/null"] + at)
            #expect(result.status == (refused ? 2 : 0), "\(pages): \(result.stderr)")
            if refused { #expect(result.stderr.contains("has 51 pages; a label document has at most 50"), "\(result.stderr)") }
        }
    }

    /// Found by the config fuzzer: toml++ (inside TOMLKit) aborted on a table
    /// header with no name.
    @Test(arguments: ["[[\nstation = \"pack-02\"\n", "[[[1]]]\n", "a = 1\n[ =\n", "[ # comment\n"])
    func aTableHeaderWithNoNameIsAnErrorNotACrash(_ toml: String) throws {
        let result = try Packd.run(["config", "check", dir.file("bad.toml", toml)])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("a table header needs a name"), "\(result.stderr)")
    }

    /// Found by the config fuzzer: toml++ aborted on an array element that
    /// starts with '}' or a Unicode line separator.
    @Test(arguments: [
        ("a = [}\n", 1, TOMLAbortGuardMessages.brace),
        ("a = [1,\n  # c\n  }]\n", 3, TOMLAbortGuardMessages.brace),
        ("a = [{ b = 1 }, }]\n", 1, TOMLAbortGuardMessages.brace),
        ("x = \"}\"\na = [\u{2028}1]\n", 2, TOMLAbortGuardMessages.separator),
        ("a = [\u{85}]\n", 1, TOMLAbortGuardMessages.separator),
        ("a = [1, \u{2029}]\n", 1, TOMLAbortGuardMessages.separator),
    ])
    func anArrayElementTOMLCannotStartIsAnErrorNotACrash(_ toml: String, line: Int, message: String) throws {
        let result = try Packd.run(["config", "check", dir.file("bad.toml", toml)])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains(":\(line):"), "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test func bracesAndSeparatorsInsideStringsAndCommentsAreFine() throws {
        let toml = "state_dir = \"/tmp/}\u{2028}\"\n# [} \u{2028}\n[api]\nlisten = \"127.0.0.1:7780\"\n"
        let result = try Packd.run(["config", "check", dir.file("fine.toml", toml)])
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test func arraysAndStringsThatSpanLinesAreNotHeaders() throws {
        // Lines starting with "[" inside a value are not headers: the file gets
        // TOML's own verdict (here, unknown keys), not the header check's.
        let toml = #"""
            [api]
            listen = "127.0.0.1:7780"
            [labels]
            extra = [
              [ 1, 2 ],
            [ "x" ] ]
            note = """
            [ not a header
            """
            """#
        let result = try Packd.run(["config", "check", dir.file("spans.toml", toml)])
        #expect(result.status == 2)
        #expect(!result.stderr.contains("a table header needs a name"), "\(result.stderr)")
        #expect(result.stderr.contains("extra"), "\(result.stderr)")
    }
}

/// The guard's words as a user reads them (the test target cannot see PackDaemon's internals).
enum TOMLAbortGuardMessages {
    static let brace = "an array element cannot start with '}'"
    static let separator = "may only appear in strings and comments"
}
