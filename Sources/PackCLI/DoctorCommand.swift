import ArgumentParser
import Foundation
import PackCore
import PackDaemon

/// `packd doctor`: what is wrong with this station, and how to fix it.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the configuration, scanners, udev rules, CUPS and printers, the journal, the outbox and the API.",
        discussion: """
            Prints one line per check with what to do about each problem. Changes nothing. Exits 0 when all is \
            well (warnings allowed), 1 when something is wrong, 2 when it cannot run (a broken configuration file).

            Example:
              sudo -u packd packd doctor --config /etc/packd/packd.toml
            """
    )

    @OptionGroup var options: StateOptions

    @Flag(help: "One JSON object per check.")
    var json = false

    @Option(help: .hidden) var udevRulesDir: [String] = []

    func run() async throws {
        let path = StateOptions.daemonConfigPath(options.config)
        let config = try StateOptions.loadConfig(path)
        var doctor = Doctor(config: config, configPath: path, stateDirectory: StateOptions.directory(options.state, config))
        if !udevRulesDir.isEmpty { doctor.udevRuleDirectories = udevRulesDir }
        let checks = await doctor.run()
        for check in checks {
            if json {
                Output.line(
                    JSONValue.object([
                        "area": .string(check.area), "status": .string(check.status.rawValue), "summary": .string(check.summary),
                        "fix": .optional(check.fix),
                    ]).serialized())
            } else {
                let mark = switch check.status {
                case .ok: "ok  "
                case .warning: "warn"
                case .problem: "FAIL"
                }
                Output.line("\(mark) \(check.area): \(check.summary)")
                if let fix = check.fix { Output.line("     fix: \(fix)") }
            }
        }
        let problems = checks.filter { $0.status == .problem }.count
        if !json {
            Output.line(problems == 0 ? "packd doctor: all well" : "packd doctor: \(problems) problem(s)")
        }
        Output.flush()
        if problems > 0 { throw ExitCode(1) }
    }
}
