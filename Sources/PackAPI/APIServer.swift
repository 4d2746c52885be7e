public import Hummingbird
public import Logging

/// The HTTP API as a service of the daemon's group.
public enum APIServer {
    public enum Address: Sendable {
        case tcp(host: String, port: Int)
        case unix(path: String)
    }

    public static func application(
        operations: any PackOperations, token: String, address: Address, maxBodyBytes: Int, logger: Logger,
        onRunning: @escaping @Sendable () async -> Void = {}
    ) -> some ApplicationProtocol {
        let bind: BindAddress =
            switch address {
            case .tcp(let host, let port): .hostname(host, port: port)
            case .unix(let path): .unixDomainSocket(path: path)
            }
        return Application(
            router: APIRoutes.router(operations: operations, token: token, maxBodyBytes: maxBodyBytes),
            configuration: ApplicationConfiguration(address: bind, serverName: "packd"),
            onServerRunning: { _ in await onRunning() },
            logger: logger)
    }
}
