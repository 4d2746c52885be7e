import Foundation
import PackCore
import PackLabels
import PackPrint
import PackTestRequirements
import PackTestSupport
import Testing

let ippEverywhereAvailable =
    PrivateCups.available
    && ["/usr/sbin/ippeveprinter", "/usr/bin/dbus-daemon", "/usr/bin/pdftoppm", "/usr/bin/zbarimg"].allSatisfy {
        FileManager.default.isExecutableFile(atPath: $0)
    }

/// A PDF label through CUPS to an IPP Everywhere printer (CUPS's ippeveprinter
/// simulator, on a private D-Bus system bus), read back by poppler and zbar.
@Suite(.offCooperativePool, .requires(ippEverywhereAvailable, "needs root, cupsd, ippeveprinter, dbus-daemon, pdftoppm, zbarimg"))
struct IPPEverywhereTests {
    // Two minutes: lpadmin asks ippeveprinter for its capabilities until it answers,
    // which takes long while the browser and daemon tests load the machine.
    @Test(.timeLimit(.minutes(2)))
    func aPDFLabelArrivesAndDecodesToTheWaybill() throws {
        let cups = try PrivateCups()
        let dir = cups.directory
        let bus = try Daemon(
            "/usr/bin/dbus-daemon",
            ["--config-file=/usr/share/dbus-1/system.conf", "--address=unix:path=\(dir)/bus.sock", "--nofork", "--nopidfile"])
        defer { bus.stop() }
        // ippeveprinter hands each document it "prints" to this script.
        let received = "\(dir)/received"
        try FileManager.default.createDirectory(atPath: received, withIntermediateDirectories: true)
        try "#!/bin/sh\ncp \"$1\" \"\(received)/$(basename \"$1\")\"\n".write(
            toFile: "\(dir)/save.sh", atomically: true, encoding: .utf8)
        try PrivateCups.run("/bin/chmod", ["755", "\(dir)/save.sh"])
        try FileManager.default.createDirectory(atPath: "\(dir)/eve", withIntermediateDirectories: true)
        // For ippeveprinter alone: set in this process (setenv) it reached every
        // program the suite started later, chromium among them, which aborted
        // ("D-Bus connection was disconnected") once this test's bus stopped.
        var busEnvironment = ProcessInfo.processInfo.environment
        busEnvironment["DBUS_SYSTEM_BUS_ADDRESS"] = "unix:path=\(dir)/bus.sock"
        // A port nobody uses: take one from the kernel, then free it. Another test
        // may take it meanwhile: ippeveprinter then exits, and we try another.
        var eve: Daemon?
        var port = 0
        var listening = false
        for _ in 0..<5 where !listening {
            let probe = try SocketPrinter()
            port = Int(probe.port)
            probe.close()
            let started = try Daemon(
                "/usr/sbin/ippeveprinter",
                ["-k", "-d", "\(dir)/eve", "-p", String(port), "-r", "off", "-c", "\(dir)/save.sh", "-f",
                 "application/pdf,image/pwg-raster", "-n", "localhost", "eve"], environment: busEnvironment)
            // Until it listens, lpadmin gets no capabilities from it.
            for _ in 0..<200 where !listening {
                if started.exited() != nil { break }
                let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                var address = sockaddr_in()
                address.sin_family = sa_family_t(AF_INET)
                address.sin_addr.s_addr = inet_addr("127.0.0.1")
                address.sin_port = UInt16(port).bigEndian
                listening = withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
                } == 0
                close(fd)
                if !listening { usleep(25_000) }
            }
            // Listening, and it is ippeveprinter that listens (it is still running).
            if listening, started.exited() != nil { listening = false }
            if listening { eve = started } else { started.stop() }
        }
        defer { eve?.stop() }
        #expect(listening, "ippeveprinter did not start")
        // lpadmin asks the printer for its capabilities; while ippeveprinter is
        // still starting it gets none and leaves a raw queue: ask again until the
        // queue knows the printer takes PDF.
        let connection = try cups.connection()
        var status: PrinterStatus?
        for _ in 0..<100 where !(status?.languages.contains("pdf") ?? false) {
            if (try? cups.lpadmin(["-p", "eve", "-E", "-v", "ipp://localhost:\(port)/ipp/print", "-m", "everywhere"])) != nil {
                status = try? connection.printer("eve")
            }
            if !(status?.languages.contains("pdf") ?? false) { usleep(100_000) }
        }
        #expect(status?.languages.contains("pdf") == true && status?.isRaw == false, "\(String(describing: status))")

        let order = Order(
            id: "SO-8", status: .approved, recipient: Address(name: "张伟", city: "深圳"),
            lines: [OrderLine(sku: "A", qty: 1)],
            parcels: [Parcel(id: "SO-8-1", waybill: "SF8888888888", lines: [ParcelLine(sku: "A", qty: 1)])])
        let pdf = try LabelRenderer().render(
            TemplateCatalog().template("waybill-100x150"),
            data: LabelData(order: order, parcel: order.parcels[0], printedAt: Timestamp(millisecondsSinceEpoch: 0)),
            format: .pdf
        ).bytes
        let id = try connection.submit(printer: "eve", jobName: "packd-eve-1", format: .pdf, document: pdf)
        let final = try cups.waitForFinalState(printer: "eve", job: id, timeout: 40)
        #expect(final.state == .completed, "\(final)")

        let files = try FileManager.default.contentsOfDirectory(atPath: received)
        let file = try #require(files.first, "ippeveprinter received no document")
        let document = try [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(received)/\(file)")))
        #expect(try Decoders.zbar(png: Decoders.pdfPage(document, dpi: 300)).contains("SF8888888888"))
    }
}
