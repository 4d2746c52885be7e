import Logging
public import PackFleet
import PackStore
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
                await parts.ringAll()
            },
            connection: { metrics?.storeReachable($0) },
            restated: { states in
                await hub.restate(states)
                metrics?.fleetFollowed(Set(states.keys.map(\.orderId)).count)
            },
            labelQueued: { [fleet] jobs in
                // Another packd received the order; the label is this packd's to print.
                var labels: [ApprovalLabel] = []
                for job in jobs {
                    do {
                        if let label = try await fleet.approvalLabel(jobId: job) { labels.append(label) }
                    } catch {
                        logger.warning("label queued elsewhere not read yet", metadata: ["job": "\(job)", "error": "\(FleetStoreError.describe(error))"])
                        await parts.ringAll()
                    }
                }
                await parts.announce(ImportSummary(added: 0, replaced: 0, labels: labels))
            })
        await cancelWhenGracefulShutdown { await listener.run() }
    }
}
