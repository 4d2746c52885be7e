import Foundation
import Glibc
import PackTestRequirements
import PackTestSupport
import Testing

/// pango/cairo, poppler and libcups are loaded when packd first needs them
/// (Sources/CLazyLibraries): an idle daemon maps none of them, the first label
/// loads the renderer, and a library that cannot be loaded is an error naming
/// it, not a crash.
@Suite(.offCooperativePool, .serialized) struct LazyLibrariesTests {
    let dir = TempDirectory()

    /// The lazily loaded libraries (and the ones only they bring) that `pid` has mapped.
    static func lazyLibrariesMapped(by pid: pid_t) throws -> Set<String> {
        // Read to the end: /proc reports size 0 and String(contentsOfFile:) stops after one page.
        let file = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/proc/\(pid)/maps"))
        defer { try? file.close() }
        let maps = String(decoding: try file.readToEnd() ?? Data(), as: UTF8.self)
        #expect(maps.contains("[stack]"), "all of the maps was read")
        let names = ["libpangocairo-1.0.so", "libpango-1.0.so", "libcairo.so", "libpoppler", "libcups.so", "libglib-2.0.so"]
        return Set(names.filter { maps.contains("/\($0)") })
    }

    @Test(.timeLimit(.minutes(2)))
    func anIdleDaemonWithoutAPrinterMapsNoneOfThem() throws {
        let packd = try RunningPackd(dir: dir.path)
        // A scan decided and an order imported: the daemon's own work needs none of them.
        #expect(try packd.post("/v1/orders", TestOrder.labelled("SO-1", waybill: "YT1000000001").json).status == 200)
        #expect(try packd.scan("YT1000000001")["outcome"] as? String == "parcel_opened")
        let pid = try #require(packd.pid)
        #expect(try Self.lazyLibrariesMapped(by: pid) == [])
        #expect(packd.stop()?.status == 0)
    }

    @Test(.requires(PrivateCups.available, "needs root and cupsd"), .timeLimit(.minutes(3)))
    func theFirstLabelLoadsTheRendererAndPrints() throws {
        let (cups, printer) = try PrivateCups.withRawQueue("zebra1")
        let packd = try RunningPackd(
            dir: dir.path, config: cups.packdConfig(scanner: nil) + "\n[stations.pack-01]\nlabel_policy = \"on_approval\"\n")
        let pid = try #require(packd.pid)
        // The printer's worker speaks to CUPS from the start; nothing has been rendered yet.
        let before = try Self.lazyLibrariesMapped(by: pid)
        #expect(before.isDisjoint(with: ["libpangocairo-1.0.so", "libpango-1.0.so", "libcairo.so", "libpoppler"]), "\(before)")
        #expect(try packd.post("/v1/orders", TestOrder.labelled("SO-2", waybill: "YT2000000002", station: "pack-01").json).status == 200)
        let label = try printer.nextJob(timeout: 60).bytes
        #expect(try Decoders.zbar(png: Decoders.zplkit(label, dpi: 203).png).contains("YT2000000002"))
        let after = try Self.lazyLibrariesMapped(by: pid)
        #expect(after.isSuperset(of: ["libpangocairo-1.0.so", "libcairo.so", "libcups.so"]), "\(after)")
        #expect(!after.contains("libpoppler"), "a template label needs no PDF reader")
        #expect(packd.stop()?.status == 0)
    }

    @Test func aRendererThatCannotBeLoadedIsAnErrorNamingIt() throws {
        // The dynamic loader finds this empty file first and refuses it.
        let libraries = dir.sub("broken-libs")
        try FileManager.default.createDirectory(atPath: libraries, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: "\(libraries)/libpangocairo-1.0.so.0", contents: Data())
        let out = dir.sub("label.zpl")
        let result = try Packd.run(
            ["label", "render", "--order", Packd.sample("orders.json"), "--parcel", "SO-1001-1", "--format", "zpl", "-o", out],
            environment: ["LD_LIBRARY_PATH": libraries])
        // 2, as for any label that cannot be made; a trampoline would have ended it with SIGABRT.
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("libpangocairo-1.0.so.0 cannot be loaded"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
