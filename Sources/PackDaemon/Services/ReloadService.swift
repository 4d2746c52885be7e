import Glibc
public import ServiceLifecycle
import UnixSignals

/// SIGHUP, as `systemctl reload packd` sends it (the unit's ExecReload): reads
/// again what can change without a restart (DaemonParts.reload). SIGHUP's default
/// action would end the daemon; an operator's reload must never do that.
public struct ReloadService: Service {
    let parts: DaemonParts

    public init(parts: DaemonParts) { self.parts = parts }

    /// Called before anything else at start: a SIGHUP that arrives before this
    /// service listens is ignored rather than fatal.
    public static func ignoreHangupsUntilListening() { signal(SIGHUP, SIG_IGN) }

    public func run() async throws {
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        try await cancelWhenGracefulShutdown {
            for await _ in hangups { await parts.reload() }
        }
    }
}
