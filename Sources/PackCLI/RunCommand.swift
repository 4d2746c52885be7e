import ArgumentParser
import Foundation
import PackDaemon

/// `packd run`: the daemon a packing station runs all day.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the packd daemon: scanners, stations, print queues and the HTTP API.",
        discussion: """
            Reads the configuration (default /etc/packd/packd.toml; packd runs on its defaults when that file \
            does not exist), opens the journal, reads the bound scanners, works the print queues and serves the \
            API (127.0.0.1:7780 by default). Stops cleanly on SIGTERM or SIGINT. Under systemd it reports \
            READY=1 and feeds the watchdog.

            Example:
              packd run --config /etc/packd/packd.toml
            """
    )

    @Option(help: "The configuration file (TOML).")
    var config: String?

    @Option(help: "The state directory (default: $PACKD_STATE, the config's state_dir, or /var/lib/packd).")
    var state: String?

    func run() async throws {
        let path = StateOptions.daemonConfigPath(config)
        let packConfig = try StateOptions.loadConfig(path)
        let directory = StateOptions.directory(state, packConfig)
        let metrics = DaemonRunner.bootstrap()
        do {
            try await DaemonRunner.run(
                DaemonRunner.Options(config: packConfig, stateDirectory: directory, configPath: path), metrics: metrics)
        } catch let error as DaemonRunner.StartError {
            throw CLIError(error.description)
        }
    }
}

/// `packd config check`: the configuration as `packd run` would read it.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Check a configuration file.",
        subcommands: [Check.self]
    )

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate a configuration file without starting anything; exit 0 when it is good.",
            discussion: "Example:\n  packd config check /etc/packd/packd.toml")

        @Argument(help: "The configuration file (TOML), or - for standard input.")
        var file: String

        func run() async throws {
            let config: PackConfig
            if file == "-" {
                let data = FileHandle.standardInput.readDataToEndOfFile()
                guard data.count <= ConfigLoader.maxFileSize, let text = String(data: data, encoding: .utf8) else {
                    throw CLIError("-: not UTF-8 text of at most \(ConfigLoader.maxFileSize) bytes")
                }
                do {
                    config = try ConfigLoader.parse(text, file: "-")
                } catch {
                    throw CLIError(error.description)
                }
            } else {
                config = try StateOptions.loadConfig(file)
            }
            for problem in config.consistencyProblems { throw CLIError("\(file): \(problem)") }
            Output.line("\(file): good")
            Output.line("  stations: \(config.stationIds.joined(separator: ", "))")
            Output.line("  printers: \(config.printerNames.isEmpty ? "none" : config.printerNames.joined(separator: ", "))")
            Output.line("  scanners: \(config.scanners.count) binding(s)")
            Output.line("  api: \(config.api.listen)\(config.api.listen.isLocalOnly ? "" : " (reachable from other machines)")")
            Output.line("  core: \(config.coreMode.rawValue)")
        }
    }
}
