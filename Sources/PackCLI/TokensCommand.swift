import ArgumentParser
import Foundation
import PackDaemon

/// `packd tokens`: makes the API's and the station display's tokens now, as
/// `packd run` would at its first start, so that an installer (the Debian
/// package's postinst) or an operator can hand them out before it starts.
struct TokensCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens",
        abstract: "Create the API and display tokens packd run would create (mode 0600), and print where they are.",
        discussion: """
            A token the configuration names (api.token_file, display.token_file) is only read; one it does not \
            name is made in the state directory if it is not there yet. Run it as the user packd runs as, so that \
            the files are that user's.

            Example:
              sudo -u packd packd tokens --config /etc/packd/packd.toml
            """
    )

    @OptionGroup var options: StateOptions

    func run() throws {
        let path = StateOptions.daemonConfigPath(options.config)
        let config = try StateOptions.loadConfig(path)
        let directory = StateOptions.directory(options.state, config)
        for (what, file, name) in [("api", config.api.tokenFile, "api.token"), ("display", config.display.tokenFile, "display.token")] {
            do {
                let token = try APIToken.resolve(file: file, stateDirectory: directory, defaultName: name)
                Output.line("\(what) token: \(token.path)\(token.created ? " (created)" : "")")
            } catch {
                throw CLIError("\(what) token: \(error)")
            }
        }
    }
}
