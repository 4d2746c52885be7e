import Foundation
import PackTestSupport
import Glibc
import PackTestRequirements
import Testing

/// udev-rules/60-packd.rules applied by the real udevadm to mocked devices: a
/// private mount namespace puts the rules and a `packd` group in place, umockdev
/// supplies the devices, `udevadm test` shows what the rules did.
///
/// `udevadm test` also creates the device links and database files it computes,
/// in the real /dev and /run (umockdev-run does not start with /dev read-only or
/// replaced); each test removes what it reports having created.
@Suite(.offCooperativePool, .serialized, .timeLimit(.minutes(1))) struct UdevRulesTests {
    static let fixture = Packd.repository.appendingPathComponent("Tests/packdTests/Fixtures/scanner-and-keyboard.umockdev").path
    static let rules = Packd.repository.appendingPathComponent("udev-rules/60-packd.rules").path
    static let usb = "/sys/devices/pci0000:00/0000:00:14.0/usb1"
    let dir = TempDirectory()

    func udevTest(_ syspath: String) throws -> Packd.Result {
        let rulesDir = dir.sub("rules.d")
        try FileManager.default.createDirectory(atPath: rulesDir, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.rules, toPath: rulesDir + "/60-packd.rules")
        let group = dir.file("group", (try String(contentsOfFile: "/etc/group", encoding: .utf8)) + "packd:x:4242:\n")
        let script = """
            set -e
            mount --bind '\(rulesDir)' /etc/udev/rules.d
            mount --bind '\(group)' /etc/group
            exec umockdev-run -d '\(Self.fixture)' -- udevadm test --action=add '\(syspath)'
            """
        let before = Set(Self.linkDirectories.filter { FileManager.default.fileExists(atPath: $0) })
        let result = try Packd.run(["-m", "/bin/sh", "-c", script], executable: "/usr/bin/unshare", timeout: 30)
        removeWhatUdevadmCreated(result.stdout + "\n" + result.stderr, keeping: before)
        return result
    }

    /// Removes the links and database files `udevadm test` says it created, and the
    /// link directories it made that were not there before.
    func removeWhatUdevadmCreated(_ log: String, keeping existing: Set<String>) {
        for line in log.split(separator: "\n") {
            for marker in ["Successfully created symlink '", "Created db file '"] {
                guard let start = line.range(of: marker) else { continue }
                let rest = line[start.upperBound...]
                guard let end = rest.firstIndex(of: "'") else { continue }
                let path = String(rest[..<end])
                if path.hasPrefix("/dev/") || path.hasPrefix("/run/udev/") { try? FileManager.default.removeItem(atPath: path) }
            }
        }
        // Deepest first; rmdir(2) removes only empty directories, so nothing else is touched.
        for dir in Self.linkDirectories where !existing.contains(dir) { rmdir(dir) }
    }

    static let linkDirectories = [
        "/dev/input/by-path", "/dev/input/by-id", "/dev/serial/by-path", "/dev/serial/by-id", "/dev/char", "/dev/packd",
        "/dev/input", "/dev/serial",
    ]

    func property(_ result: Packd.Result, _ key: String) -> String? {
        (result.stdout + "\n" + result.stderr).split(separator: "\n").first { $0.hasPrefix("\(key)=") }
            .map { String($0.dropFirst(key.count + 1)) }
    }

    @Test func aKnownScannerIsTaggedHiddenFromTheDesktopAndGivenToThePackdGroup() throws {
        let r = try udevTest("\(Self.usb)/1-2/1-2:1.0/0003:0C2E:0B61.0001/input/input7/event7")
        #expect(r.status == 0, "\(r.stderr)")
        let log = r.stdout + r.stderr
        #expect(property(r, "PACKD_SCANNER") == "1")
        #expect(property(r, "LIBINPUT_IGNORE_DEVICE") == "1")
        #expect(log.contains("60-packd.rules:24 GROUP 4242"), "\(log)")
        #expect(log.contains("60-packd.rules:24 MODE 0660"))
        #expect(!log.contains("60-packd.rules") || !log.contains("MODE 0666"))
    }

    @Test func anOrdinaryKeyboardIsLeftAlone() throws {
        let r = try udevTest("\(Self.usb)/1-3/1-3:1.0/0003:046D:C31C.0002/input/input8/event8")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(property(r, "PACKD_SCANNER") == nil)
        #expect(property(r, "LIBINPUT_IGNORE_DEVICE") == nil)
        #expect(!(r.stdout + r.stderr).contains("60-packd.rules:24 GROUP"))
    }

    @Test func aSerialScannerGetsAStableName() throws {
        let r = try udevTest("\(Self.usb)/1-4/1-4:1.0/tty/ttyACM0")
        #expect(r.status == 0, "\(r.stderr)")
        let log = r.stdout + r.stderr
        #expect(log.contains("LINK 'packd/scanner-Newland_Auto-ID_HR22_NL0042'"), "\(log)")
        #expect(log.contains("60-packd.rules:31 MODE 0660"))
        #expect(log.contains("60-packd.rules:31 GROUP 4242"))
    }
}
