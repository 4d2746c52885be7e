import Foundation
import PackTestRequirements
import PackTestSupport
import Testing

/// `packd print` and `packd printers` against a private cupsd and socket printers.
@Suite(.offCooperativePool, .requires(PrivateCups.available, "needs root and cupsd"), .serialized)
struct PrintCommandTests {
    let dir = TempDirectory()

    func packd(_ cups: PrivateCups, _ arguments: [String]) throws -> Packd.Result {
        try Packd.run(arguments, environment: cups.environment, timeout: 60)
    }

    @Test func printsAZPLFileByteForByteAndWaitsForCompletion() throws {
        let (cups, printer) = try PrivateCups.withRawQueue("zebra1")
        let zpl = "^XA^FO50,50^A0N,40,40^FDpackd^FS^XZ\n"
        let file = dir.file("label.zpl", zpl)
        let result = try packd(cups, ["print", "--printer", "zebra1", file])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("job zebra1-1 submitted"))
        #expect(result.stdout.contains("job zebra1-1 completed"))
        #expect(printer.jobs == [Array(zpl.utf8)])
    }

    @Test func printsACalibrationLabelWithTheProfilesSettings() throws {
        let cups = try PrivateCups()
        let printer = try SocketPrinter()
        try cups.addRawQueue("tsc1", port: printer.port)
        let config = dir.file(
            "packd.toml",
            """
            [printers.pack-01]
            queue = "tsc1"
            language = "tspl"
            dpi = 203
            media = "76x130"
            darkness = 12
            speed = 3
            direction = 0
            """)
        let result = try packd(cups, ["print", "--printer", "pack-01", "--test", "--config", config])
        #expect(result.status == 0, "\(result.stderr)")
        let job = try #require(printer.waitForJobs(1).first)
        let text = String(decoding: job, as: UTF8.self)
        #expect(text.hasPrefix("SIZE 76 mm,130 mm\r\n"))
        #expect(text.contains("DIRECTION 0,0\r\n"))
        #expect(text.contains("DENSITY 12\r\nSPEED 3\r\n"))
        #expect(text.contains("\"!104PACKD-TEST\""))
        #expect(text.hasSuffix("PRINT 1,1\r\n"))
    }

    @Test func refusesWhatCannotPrintAndSaysWhy() throws {
        let (cups, printer) = try PrivateCups.withRawQueue("zebra1")
        let unknown = try packd(cups, ["print", "--printer", "nope", dir.file("a.zpl", "^XA^XZ")])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("printer nope"))
        let pdf = try packd(cups, ["print", "--printer", "zebra1", dir.file("a.pdf", "%PDF-1.4")])
        #expect(pdf.status == 2)
        #expect(pdf.stderr.contains("the queue is raw"))
        let unknownType = try packd(cups, ["print", "--printer", "zebra1", dir.file("a.doc", "x")])
        #expect(unknownType.status == 2 && unknownType.stderr.contains("--raw"))
        #expect(printer.jobs.isEmpty)
    }

    @Test func aPrinterThatIsDownLeavesTheJobQueuedAndSaysSo() throws {
        let (cups, printer) = try PrivateCups.withRawQueue("zebra1")
        printer.close()
        let zpl = "^XA^FDdown^FS^XZ\n"
        let result = try packd(cups, ["print", "--printer", "zebra1", "--timeout", "2", dir.file("down.zpl", zpl)])
        #expect(result.status == 2)
        #expect(result.stderr.contains("job zebra1-1 still"))
        #expect(result.stderr.contains("stays queued"))
        try printer.reopen()
        #expect(try printer.waitForJobs(1, timeout: 60) == [Array(zpl.utf8)])
    }

    /// A backend that cannot read the spooled file leaves the printer idle with no
    /// reason, retrying: what the backend said is the reason to give.
    @Test func aBackendThatCannotReadTheJobSaysWhy() throws {
        let (cups, printer) = try PrivateCups.withRawQueue("zebra1")
        // The backend runs as lp: a spool directory only root can read is what a
        // hand-made cupsd with the wrong ownership looks like.
        try PrivateCups.run("/bin/chown", ["root:root", "\(cups.directory)/spool"])
        try PrivateCups.run("/bin/chmod", ["0700", "\(cups.directory)/spool"])
        let result = try packd(cups, ["print", "--printer", "zebra1", "--timeout", "4", dir.file("x.zpl", "^XA^XZ\n")])
        #expect(result.status == 2)
        #expect(result.stderr.contains("Unable to open print file: Permission denied"), "\(result.stderr)")
        #expect(!result.stderr.contains("no reason given"))
        #expect(printer.jobs.isEmpty)
    }

    @Test func listsQueuesWithWhatTheyTake() throws {
        let cups = try PrivateCups()
        let a = try SocketPrinter()
        try cups.addRawQueue("zebra1", port: a.port)
        try cups.command("/usr/sbin/cupsdisable", ["zebra1"])
        let config = dir.file("packd.toml", "[printers.pack-01]\nqueue = \"zebra1\"\n")
        let text = try packd(cups, ["printers", "--config", config])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("zebra1\tstopped\tneeds: paused\traw queue"))
        #expect(text.stdout.contains("takes: zpl, tspl"))
        #expect(text.stdout.contains("profiles: pack-01"))
        let json = try packd(cups, ["printers", "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(object?["name"] as? String == "zebra1")
        #expect(object?["languages"] as? [String] == ["zpl", "tspl"])
        #expect(object?["needs"] as? [String] == ["paused"])
    }
}
