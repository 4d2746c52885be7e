/// Where the HTTP API listens: a TCP address, or a unix socket.
public enum ListenAddress: Sendable, Equatable, CustomStringConvertible {
    case tcp(host: String, port: Int)
    case unix(path: String)

    /// Loopback only, unless the configuration says otherwise.
    public static let `default` = ListenAddress.tcp(host: "127.0.0.1", port: 7780)

    /// `127.0.0.1:7780`, `[::1]:7780`, `localhost:7780` or `unix:/run/packd/api.sock`.
    public static func parse(_ text: String) -> ListenAddress? {
        if text.hasPrefix("unix:") {
            let path = String(text.dropFirst(5))
            guard path.hasPrefix("/"), path.utf8.count < 108 else { return nil }
            return .unix(path: path)
        }
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65_535).contains(port)
        else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, !host.contains(where: { $0 == " " || $0 == "/" }) else { return nil }
        return .tcp(host: host, port: port)
    }

    public var description: String {
        switch self {
        case .tcp(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .unix(let path): "unix:\(path)"
        }
    }

    /// Whether only this machine can reach it.
    public var isLocalOnly: Bool {
        switch self {
        case .unix: true
        case .tcp(let host, _): host == "localhost" || host == "::1" || host.hasPrefix("127.")
        }
    }
}

/// `[api]`: the local HTTP API.
public struct APISettings: Sendable, Equatable {
    public var listen = ListenAddress.default
    /// The bearer token's file (first line). Absent: `<state_dir>/api.token`,
    /// created once with mode 0600.
    public var tokenFile: String?
    /// The largest request body, in bytes (orders in bulk, base64 documents).
    public var maxBodyBytes = 64 << 20

    public init() {}
}

/// `[display]`: the station display page.
public struct DisplaySettings: Sendable, Equatable {
    public var tokenFile: String?
    /// `zh-CN` or `en`; nil follows the browser.
    public var language: String?

    public init() {}
}

/// `[core]`: the ERP's core stock module. Delivery to a remote core and the pull
/// feed are read here and carried out by the core link.
public struct CoreSettings: Sendable, Equatable {
    public enum Feed: String, Sendable { case none, pull }
    public var url: String?
    public var tokenFile: String?
    public var feed = Feed.none
    public var pollIntervalMs = 2000

    public init() {}
}

/// `[store]`: where the order book lives.
public struct StoreSettings: Sendable, Equatable {
    public enum Backend: String, Sendable { case sqlite, postgres }
    public var backend = Backend.sqlite
    public var url: String?
    public var passwordFile: String?

    public init() {}
}

/// `[retention]`: how long finished work stays in memory and in the journal, so
/// that a daemon running for months stays small.
public struct RetentionSettings: Sendable, Equatable {
    /// Shipped and cancelled orders leave the in-memory book this long after
    /// their last change (`already_shipped` is still answered from the journal).
    public var bookHours = 72
    /// Delivered events, finished print jobs and their documents are deleted
    /// from the journal this long after they finished.
    public var journalDays = 30

    public init() {}
}
