import Logging
public import PackFleet
public import ServiceLifecycle

/// `[store] backend = "postgres"`: follows what the other packd of the fleet
/// change, so that every station here sees a new order, a cancellation or a
/// parcel taken elsewhere within moments.
public struct FleetService: Service {
    let parts: DaemonParts
    let fleet: PostgresJournal

    public init(parts: DaemonParts, fleet: PostgresJournal) {
        self.parts = parts
        self.fleet = fleet
    }

    public func run() async throws {
        let hub = parts.hub
        let logger = parts.logger
        let metrics = parts.metrics
        metrics?.storeReachable(true)
        let listener = FleetListener(
            journal: fleet,
            changed: { ids in
                do {
                    try await hub.follow(orderIds: ids)
                    metrics?.fleetFollowed(ids.count)
                    metrics?.storeReachable(true)
                } catch {
                    metrics?.storeReachable(false)
                    // They are read again before the next decision.
                    logger.warning("fleet changes not read yet", metadata: ["error": "\(FleetStoreError.describe(error))"])
                }
            },
            resynchronize: {
                logger.notice("fleet notifications resumed: reading the order book again")
                await hub.resynchronize()
            },
            connection: { metrics?.storeReachable($0) })
        await cancelWhenGracefulShutdown { await listener.run() }
    }
}
