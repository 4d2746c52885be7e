public import ArgumentParser
import Foundation

/// `packd`: the packing-station daemon and its tools.
public struct Packd: AsyncParsableCommand {
    public static let version = "0.1.0"

    public static let configuration = CommandConfiguration(
        commandName: "packd",
        abstract: "Scan-to-ship for e-commerce packing stations: scanners, labels, printers, stock.",
        version: version,
        subcommands: [
            RunCommand.self, DemoCommand.self, ConfigCommand.self, DoctorCommand.self, ReplayCommand.self, OrdersCommand.self, StockCommand.self, OutboxCommand.self, ScansCommand.self, ScalesCommand.self, DevicesCommand.self, StoreCommand.self, TokensCommand.self,
            LabelCommand.self, PrintCommand.self, PrintersCommand.self, DebugCommand.self,
        ]
    )

    public init() {}
}

/// Runs packd and exits: 0 on success, 2 on any error, the message on stderr.
public enum PackdMain {
    public static func main(_ arguments: [String]? = nil) async -> Never {
        do {
            var command = try Packd.parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            Output.flush()
            exit(0)
        } catch let exit as ExitCode {
            // A command that has said everything and only sets the status (doctor: 1).
            Output.flush()
            Foundation.exit(exit.rawValue)
        } catch {
            Output.flush()
            let code = Packd.exitCode(for: error)
            let message = Packd.fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
                exit(0)
            }
            let text = (error as? CLIError).map { "packd: \($0.description)" } ?? message
            FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
            exit(2)
        }
    }
}

/// An error the user can act on; the message says what and where.
public struct CLIError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
