import Foundation
import PackTestSupport
import PackTestRequirements
import Testing

/// packd's log as journald reads it (standard error not a terminal): a syslog
/// priority on every line, key=value metadata, no line a scanned code can forge,
/// and `PACKD_LOG_LEVEL` honoured.
@Suite(.offCooperativePool) struct LogFormatTests {
    @Test(.timeLimit(.minutes(2)))
    func everyLineHasItsPriorityAndACodeCannotForgeOne() throws {
        let dir = TempDirectory()
        let packd = try RunningPackd(dir: dir.sub("packd"))
        defer { packd.stop() }
        _ = try packd.scan("NOSUCHCODE\n<3>forged error line")
        try waitUntil("the scan is logged", seconds: 30) { packd.log.contains("<6>scan ") }
        let lines = packd.log.split(separator: "\n").map(String.self.init)
        #expect(lines.contains { $0.hasPrefix("<5>ready ") && $0.contains(" stations=pack-01") })
        for line in lines {
            #expect(line.range(of: #"^<[0-7]>\S"#, options: .regularExpression) != nil, "a line without its priority: \(line)")
        }
        #expect(!lines.contains { $0.hasPrefix("<3>forged") }, "a scanned code forged a log line")
        let scan = try #require(lines.first { $0.hasPrefix("<6>scan ") })
        #expect(scan.contains("outcome=unknown_code") && scan.contains("station=pack-01"), "\(scan)")
    }

    @Test(.timeLimit(.minutes(2)))
    func packdLogLevelWarningLeavesOutNoticesAndInfo() throws {
        let dir = TempDirectory()
        let packd = try RunningPackd(dir: dir.sub("packd"), environment: ["PACKD_LOG_LEVEL": "warning"])
        defer { packd.stop() }
        _ = try packd.scan("NOSUCHCODE")
        // The scan's answer came after its log line would have been written.
        let lines = packd.log.split(separator: "\n")
        #expect(!lines.contains { $0.hasPrefix("<5>") || $0.hasPrefix("<6>") }, "\(packd.log)")
    }
}
