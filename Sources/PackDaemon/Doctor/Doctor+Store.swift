import Foundation
import Logging
import PackFleet

extension Doctor {
    /// `[store] backend = "postgres"`: the shared store answers, is the one
    /// primary, makes commits durable, has this packd's schema; who delivers the
    /// outbox; the outbox itself. Connects without migrating: the doctor changes
    /// nothing.
    func sharedStore() async -> [DoctorCheck] {
        let address: PostgresAddress
        do {
            address = try DaemonRunner.storeAddress(config)
        } catch {
            return [.problem("store", "\(error)", fix: "correct [store] url and password_file (docs/fleet.md)")]
        }
        let node = DaemonRunner.storeNode(config, stateDirectory: stateDirectory)
        var logger = Logger(label: "packd.doctor")
        logger.logLevel = .critical
        let unreachable = { (error: any Error) -> [DoctorCheck] in
            [.problem(
                "store", "the shared store \(address.description) does not answer: \(FleetStoreError.describe(error))",
                fix: "check that PostgreSQL runs and that [store] url, password_file and pg_hba.conf let this PC in (docs/fleet.md)")]
        }
        let store: PostgresJournal
        do {
            var looking = config
            looking.store.timeoutMs = min(config.store.timeoutMs, 10_000)
            store = try await DaemonRunner.openSharedStore(
                looking, address: address, stateDirectory: stateDirectory, connections: PostgresJournal.minimumConnections, migrate: false, logger: logger)
        } catch {
            return unreachable(error)
        }
        let checks: [DoctorCheck]
        do {
            let status = try await store.status()
            checks = await self.checks(of: store, status, server: "\(address.description): PostgreSQL \(status.serverVersion)", node: node)
        } catch {
            checks = unreachable(error)
        }
        await store.close()
        return checks
    }

    private func checks(of store: PostgresJournal, _ status: FleetStoreStatus, server: String, node: String) async -> [DoctorCheck] {
        var checks: [DoctorCheck] = []
        if status.inRecovery {
            checks.append(.problem(
                "store", "\(server) is a standby (read-only replica); packd needs the primary",
                fix: "point [store] url at the primary (packd assumes one primary and no failover it is not told of)"))
        } else if !status.commitsAreDurable {
            checks.append(.problem(
                "store", "\(server) has fsync = \(status.fsync), synchronous_commit = \(status.synchronousCommit): a confirmed shipment could be lost in a crash",
                fix: "set fsync = on and synchronous_commit = on in postgresql.conf, then reload PostgreSQL"))
        } else {
            checks.append(.ok("store", "\(server), the primary, commits durable; node \(node)"))
        }
        if let unknown = status.unknownMigrations.first {
            checks.append(.problem(
                "store", "the store has migration \"\(unknown)\", which this packd does not know",
                fix: "upgrade this packd to the fleet's newest version"))
        } else if !status.missingMigrations.isEmpty {
            checks.append(.warning(
                "store", "the store lacks \(status.missingMigrations.count) migration(s): \(status.missingMigrations.joined(separator: ", "))",
                fix: "start packd (systemctl start packd): it migrates the store on start"))
        }
        let connected = status.connectedNodes.isEmpty ? "no packd" : status.connectedNodes.joined(separator: ", ")
        if let deliverer = status.deliverer {
            checks.append(.ok("fleet", "connected: \(connected); \(deliverer) delivers the outbox"))
        } else if config.coreMode == .remote {
            checks.append(.warning(
                "fleet", "connected: \(connected); no packd delivers the outbox to the core",
                fix: "start packd on at least one PC (each takes over delivery when the deliverer stops)"))
        } else {
            checks.append(.ok("fleet", "connected: \(connected)"))
        }
        guard status.missingMigrations.isEmpty, status.unknownMigrations.isEmpty else { return checks }
        do {
            checks += try await outbox(of: store)
        } catch {
            checks.append(.problem("outbox", "the shared outbox cannot be read: \(FleetStoreError.describe(error))", fix: "check the store's log"))
        }
        return checks
    }
}
