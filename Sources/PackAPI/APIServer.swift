public import Hummingbird
public import Logging
import NIOCore

/// The HTTP API as a service of the daemon's group.
public enum APIServer {
    public static func application(
        operations: any PackOperations, token: String, displayToken: String? = nil, address: ListenAddress, maxBodyBytes: Int, logger: Logger,
        onRunning: @escaping @Sendable (_ boundPort: Int?) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let bind: BindAddress =
            switch address {
            case .tcp(let host, let port): .hostname(host, port: port)
            case .unix(let path): .unixDomainSocket(path: path)
            }
        return Application(
            router: APIRoutes.router(operations: operations, token: token, displayToken: displayToken, maxBodyBytes: maxBodyBytes),
            configuration: ApplicationConfiguration(address: bind, serverName: "packd"),
            // The port the kernel gave, for a configuration that asked for port 0.
            onServerRunning: { channel in await onRunning(channel.localAddress?.port) },
            logger: logger)
    }
}
