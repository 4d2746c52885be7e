import Foundation
import Glibc
import Logging
import PackAPI
public import ServiceLifecycle

/// The HTTP API. Open event streams are ended when shutdown begins: they would
/// otherwise hold the server's graceful shutdown open.
public struct APIService: Service {
    let parts: DaemonParts
    let token: String
    let displayToken: String?
    let onRunning: @Sendable (_ boundPort: Int?) async -> Void

    public init(
        parts: DaemonParts, token: String, displayToken: String? = nil, onRunning: @escaping @Sendable (_ boundPort: Int?) async -> Void
    ) {
        self.parts = parts
        self.token = token
        self.displayToken = displayToken
        self.onRunning = onRunning
    }

    public func run() async throws {
        let address = parts.config.api.listen
        if case .unix(let path) = address {
            // A socket left by a packd that died would refuse the bind.
            try? FileManager.default.removeItem(atPath: path)
        }
        var logger = parts.logger
        logger.logLevel = .warning
        let operations = DaemonOperations(parts: parts)
        let onRunning = self.onRunning
        let logger_ = parts.logger
        let app = APIServer.application(
            operations: operations, token: token, displayToken: displayToken, address: address,
            maxBodyBytes: parts.config.api.maxBodyBytes, logger: logger,
            onRunning: { port in
                if case .unix(let path) = address { Self.openToGroup(path, logger: logger_) }
                await onRunning(port)
            })
        let events = parts.events
        try await withGracefulShutdownHandler {
            try await app.run()
        } onGracefulShutdown: {
            Task { await events.finishAll() }
        }
    }

    /// A unix-socket API is for packd's group too (mode 0660, group `packd`), so that
    /// an operator in that group, an ERP connector or the station display's kiosk
    /// can reach it without root; the bearer token is still asked for on every route.
    static func openToGroup(_ path: String, logger: Logger) {
        if let group = getgrnam("packd"), chown(path, uid_t.max, group.pointee.gr_gid) != 0, getuid() == 0 {
            logger.warning("the API socket's group could not be set to packd", metadata: ["path": "\(path)", "errno": "\(errno)"])
        }
        if chmod(path, 0o660) != 0 {
            logger.warning("the API socket's mode could not be set to 0660", metadata: ["path": "\(path)", "errno": "\(errno)"])
        }
    }
}
