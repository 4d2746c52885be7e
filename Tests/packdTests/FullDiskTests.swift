import Foundation
import Glibc
import PackTestRequirements
import PackTestSupport
import Testing

/// The journal on a file system that fills up: a 2 MiB tmpfs mounted in a
/// private mount namespace of packd's own.
@Suite(.offCooperativePool, .requires(getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/nsenter"), "needs root for a mount namespace"))
struct FullDiskTests {
    let dir = TempDirectory()

    /// Runs `command` in packd's mount namespace.
    func inside(_ packd: RunningPackd, _ command: String) throws -> ExternalTool.Result {
        try ExternalTool.run("/usr/bin/nsenter", ["-t", String(packd.pid!), "-m", "/bin/sh", "-c", command])
    }

    @Test(.timeLimit(.minutes(2)))
    func aFullDiskShipsNothingAndTheStationRecoversWhenSpaceReturns() throws {
        let packd = try RunningPackd(dir: dir.path, start: false)
        try FileManager.default.createDirectory(atPath: packd.statePath, withIntermediateDirectories: true)
        try packd.start(shell: "mount -t tmpfs -o size=2m,mode=0700 packd-test '\(packd.statePath)'", unshareMounts: true)
        packd.knownToken = try inside(packd, "cat '\(packd.statePath)/api.token'").text.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try packd.post("/v1/orders", DaemonAPITests.order).status == 200)
        #expect(try packd.scan("YT0001")["outcome"] as? String == "parcel_opened")
        #expect(try packd.scan("6901234567892")["outcome"] as? String == "item_verified")
        let filled = try inside(packd, "dd if=/dev/zero of='\(packd.statePath)/filler' bs=4096 2>&1; df -k '\(packd.statePath)' | tail -1")
        #expect(filled.text.contains("No space left"), "\(filled.text)")
        // The completing scan cannot be written: not confirmed, and it says why.
        let completing = try HTTPClient.json(
            port: packd.port, method: "POST", path: "/v1/stations/pack-01/scans", token: packd.token, json: #"{"code": "RAZOR-01"}"#)
        #expect(completing.status == 503, "\(completing.text)")
        #expect(completing.text.contains("nothing was shipped"))
        let order = jsonObject(try packd.get("/v1/orders/SO-1"))
        #expect((order["parcels"] as! [[String: Any]])[0]["state"] as? String != "shipped")
        #expect(try packd.get("/healthz").status == 200)
        // Space returns: the station goes on from what the journal holds.
        #expect(try inside(packd, "rm '\(packd.statePath)/filler'").status == 0)
        let station = jsonObject(try packd.get("/v1/stations/pack-01"))
        #expect((station["openParcel"] as? [String: Any])?["parcel"] as? String == "SO-1-1")
        var last = ""
        for _ in 0..<2 {
            last = try packd.scan("RAZOR-01")["outcome"] as? String ?? ""
            if last == "parcel_completed" { break }
        }
        #expect(last == "parcel_completed")
        let shipped = jsonObject(try packd.get("/v1/orders/SO-1"))
        #expect((shipped["parcels"] as! [[String: Any]])[0]["state"] as? String == "shipped")
        #expect(packd.stop()?.status == 0, "\(packd.log.suffix(2000))")
    }
}
