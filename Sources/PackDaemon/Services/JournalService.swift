public import ServiceLifecycle

/// The journal and the stations: first up, last down. When shutdown reaches it,
/// every scan already handed to a station is decided and on disk.
public struct JournalService: Service {
    let parts: DaemonParts

    public init(parts: DaemonParts) { self.parts = parts }

    public func run() async throws {
        try? await gracefulShutdown()
        await parts.lanes.drain()
        await parts.journal.flush()
        parts.logger.info("journal flushed")
    }
}
