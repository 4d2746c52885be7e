import Foundation
import PackTestRequirements
import PackTestSupport
import Testing

/// systemd/packd.service as systemd itself reads it.
@Suite(.offCooperativePool, .requires(FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze"), "needs systemd-analyze"))
struct SystemdUnitTests {
    let dir = TempDirectory()

    /// The unit with ExecStart pointing at the packd under test (verify checks it exists).
    func unit() throws -> String {
        let text = try String(contentsOfFile: Packd.repository.appendingPathComponent("systemd/packd.service").path, encoding: .utf8)
        return dir.file("packd.service", text.replacingOccurrences(of: "/usr/bin/packd", with: Packd.binary))
    }

    @Test func theUnitVerifies() throws {
        let result = try ExternalTool.run("/usr/bin/systemd-analyze", ["verify", try unit()])
        #expect(result.status == 0, "\(result.text)\(result.stderr)")
        #expect(!result.stderr.contains("packd.service:"), "\(result.stderr)")
    }

    @Test func theSandboxScoresTwoOrLower() throws {
        let result = try ExternalTool.run("/usr/bin/systemd-analyze", ["security", "--offline=true", "--no-pager", try unit()])
        let line = result.text.split(separator: "\n").first { $0.contains("Overall exposure level") }
        let score = line.flatMap { $0.split(separator: ":").last?.split(separator: " ").first }.flatMap { Double($0) }
        #expect(score != nil, "\(result.text)\(result.stderr)")
        #expect((score ?? 10) <= 2.0, "\(line ?? "")")
    }

    @Test func theUnitIsANotifyServiceWithAWatchdog() throws {
        let text = try String(contentsOfFile: try unit(), encoding: .utf8)
        for setting in ["Type=notify", "WatchdogSec=", "Restart=on-failure", "User=packd", "StateDirectory=packd",
                        "ConfigurationDirectory=packd", "DevicePolicy=closed", "ProtectSystem=strict", "NoNewPrivileges=yes",
                        "SystemCallFilter=@system-service", "RestrictAddressFamilies="] {
            #expect(text.contains("\n" + setting), "\(setting)")
        }
    }
}
