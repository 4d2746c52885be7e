import ArgumentParser
import Foundation
import Logging
import PackDaemon
import PackFleet
import PackStore

/// `--state DIR` and `--config FILE`, shared by the commands that use the journal.
struct StateOptions: ParsableArguments {
    @Option(name: .long, help: "The state directory (default: $PACKD_STATE, the config's state_dir, or /var/lib/packd).")
    var state: String?

    @Option(name: .long, help: "The configuration file (TOML).")
    var config: String?

    static let defaultDirectory = "/var/lib/packd"

    func loadConfig() throws -> PackConfig { try Self.loadConfig(config) }

    static let defaultConfigPath = "/etc/packd/packd.toml"

    /// The configuration the daemon's commands read: the one named, else
    /// /etc/packd/packd.toml when it exists, else none (the defaults).
    static func daemonConfigPath(_ given: String?) -> String? {
        given ?? (FileManager.default.fileExists(atPath: defaultConfigPath) ? defaultConfigPath : nil)
    }

    static func loadConfig(_ path: String?) throws -> PackConfig {
        guard let path else { return PackConfig() }
        do {
            return try ConfigLoader.load(path: path)
        } catch {
            throw CLIError(error.description)
        }
    }

    func directory(_ config: PackConfig) -> String { Self.directory(state, config) }

    static func directory(_ state: String?, _ config: PackConfig) -> String {
        state ?? ProcessInfo.processInfo.environment["PACKD_STATE"].flatMap { $0.isEmpty ? nil : $0 }
            ?? config.stateDirectory ?? Self.defaultDirectory
    }

    /// The journal `[store]` names, for `body`: the state directory's SQLite
    /// journal, or with `backend = "postgres"` the fleet's shared store (closed
    /// again after), so that a command changes what the daemons see.
    func withJournal<T>(_ config: PackConfig, _ body: (any DaemonJournal) async throws -> T) async throws -> T {
        guard config.store.backend == .postgres else { return try await body(try openJournal(config)) }
        let store = try await Self.openSharedStore(config, stateDirectory: directory(config)).store
        do {
            let result = try await body(store)
            await store.close()
            return result
        } catch {
            await store.close()
            throw error
        }
    }

    /// The shared store `[store]` names, as a command uses it: a small pool, the
    /// store's own log at warnings only, errors that say which store.
    static func openSharedStore(_ config: PackConfig, stateDirectory: String, node: String? = nil) async throws
        -> (store: PostgresJournal, address: PostgresAddress)
    {
        let address: PostgresAddress
        do {
            address = try DaemonRunner.storeAddress(config)
        } catch {
            throw CLIError("\(error)")
        }
        var logger = Logger(label: "packd.store")
        logger.logLevel = .warning
        do {
            let store = try await DaemonRunner.openSharedStore(
                config, address: address, stateDirectory: stateDirectory, node: node,
                connections: PostgresJournal.minimumConnections, logger: logger)
            return (store, address)
        } catch {
            throw CLIError("the shared store \(address.description): \(FleetStoreError.describe(error))")
        }
    }

    /// Where the journal is, for messages: the state directory or the shared store.
    func journalLocation(_ config: PackConfig) -> String {
        guard config.store.backend == .postgres else { return directory(config) }
        return (try? DaemonRunner.storeAddress(config).description) ?? "the shared store"
    }

    func openJournal(_ config: PackConfig) throws -> SQLiteJournal {
        try Self.openJournal(at: directory(config), mode: config.coreMode)
    }

    static func openJournal(at dir: String, mode: CoreMode) throws -> SQLiteJournal {
        do {
            return try SQLiteJournal(directory: dir, mode: mode)
        } catch {
            throw CLIError("cannot open the journal in \(dir): \(error)")
        }
    }
}
