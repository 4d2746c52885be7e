import Foundation
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
        let app = APIServer.application(
            operations: operations, token: token, displayToken: displayToken, address: address,
            maxBodyBytes: parts.config.api.maxBodyBytes, logger: logger, onRunning: onRunning)
        let events = parts.events
        try await withGracefulShutdownHandler {
            try await app.run()
        } onGracefulShutdown: {
            Task { await events.finishAll() }
        }
    }
}
