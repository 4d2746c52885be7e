import Foundation
public import Logging
public import PackFleet
import PackStore

extension DaemonRunner {
    /// The journal `[store]` names: the embedded SQLite file in the state
    /// directory, or the fleet's shared PostgreSQL store.
    static func openJournal(_ config: PackConfig, stateDirectory: String, logger: Logger) async throws -> any DaemonJournal {
        switch config.store.backend {
        case .sqlite:
            do {
                return try SQLiteJournal(directory: stateDirectory, mode: config.coreMode)
            } catch {
                throw StartError(description: "the journal in \(stateDirectory) cannot be opened: \(error)")
            }
        case .postgres:
            // The shared store holds the orders; the state directory still holds this
            // packd's tokens.
            do {
                try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
            } catch {
                throw StartError(description: "the state directory \(stateDirectory) cannot be created: \(error)")
            }
            let address = try storeAddress(config)
            do {
                let journal = try await openSharedStore(
                    config, address: address, stateDirectory: stateDirectory, logger: Logger(label: "packd.store"))
                logger.notice("shared store", metadata: ["url": "\(address.description)", "node": "\(journal.node)"])
                return journal
            } catch {
                throw StartError(description: "the shared store \(address.description): \(FleetStoreError.describe(error))")
            }
        }
    }

    /// This packd's name in the fleet: `[store] node`, else one made unique per
    /// machine and state directory (FleetNodeId).
    public static func storeNode(_ config: PackConfig, stateDirectory: String) -> String {
        FleetNodeId.resolve(configured: config.store.node, stateDirectory: stateDirectory)
    }

    /// Connects to the shared store `[store]` names, as `packd run` does, or as
    /// a command does (`node` given, a small pool, `migrate` false to only look).
    public static func openSharedStore(
        _ config: PackConfig, address: PostgresAddress, stateDirectory: String, node: String? = nil, connections: Int? = nil,
        migrate: Bool = true, logger: Logger
    ) async throws -> PostgresJournal {
        try await PostgresJournal(
            address: address, node: node ?? storeNode(config, stateDirectory: stateDirectory), mode: config.coreMode, deadline: .milliseconds(config.store.timeoutMs),
            connections: connections ?? config.store.connections, migrate: migrate, logger: logger)
    }

    /// `[store] url` with the password from `[store] password_file`.
    public static func storeAddress(_ config: PackConfig) throws -> PostgresAddress {
        var password: String?
        if let file = config.store.passwordFile {
            do {
                password = try APIToken.read(file, minimumLength: 1)
            } catch {
                throw StartError(description: "store.password_file \(error)")
            }
        }
        do {
            return try PostgresAddress(url: config.store.url ?? "", password: password)
        } catch {
            throw StartError(description: "\(error)")
        }
    }
}
