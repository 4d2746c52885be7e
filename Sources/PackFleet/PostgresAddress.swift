import Foundation
import NIOSSL
import PostgresNIO

/// Where the fleet's store is: `[store] url` (`postgres://USER@HOST:PORT/DATABASE`,
/// optionally `?sslmode=disable|prefer|require`) and the password from
/// `[store] password_file`, never from the URL, so that the configuration can be
/// readable by everyone on the station PC.
public struct PostgresAddress: Sendable, Equatable {
    public enum TLSMode: String, Sendable { case disable, prefer, require }

    public var host: String
    public var port: Int
    public var user: String
    public var database: String
    public var tls: TLSMode
    public var password: String?

    public init(host: String, port: Int, user: String, database: String, tls: TLSMode = .prefer, password: String? = nil) {
        self.host = host
        self.port = port
        self.user = user
        self.database = database
        self.tls = tls
        self.password = password
    }

    /// Reads a `postgres://` URL; the error says what is wrong with it.
    public init(url text: String, password: String?) throws(PostgresAddressError) {
        guard let url = URLComponents(string: text), let scheme = url.scheme, ["postgres", "postgresql"].contains(scheme)
        else { throw .init("must be a postgres:// URL, like postgres://packd@db.example:5432/packd") }
        guard let host = url.host, !host.isEmpty else { throw .init("names no host") }
        guard let user = url.user, !user.isEmpty else { throw .init("names no user (postgres://USER@HOST/DATABASE)") }
        if url.password != nil { throw .init("holds a password: put it in [store] password_file instead") }
        let database = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
        guard !database.isEmpty, !database.contains("/") else { throw .init("names no database (postgres://USER@HOST/DATABASE)") }
        let port = url.port ?? 5432
        guard (1...65_535).contains(port) else { throw .init("has port \(port), outside 1...65535") }
        var tls = TLSMode.prefer
        for item in url.queryItems ?? [] {
            guard item.name == "sslmode" else { throw .init("has an unknown parameter \"\(item.name)\" (only sslmode)") }
            guard let mode = TLSMode(rawValue: item.value ?? "") else {
                throw .init("has sslmode \"\(item.value ?? "")\": use disable, prefer or require")
            }
            tls = mode
        }
        self.init(host: host, port: port, user: user, database: database, tls: tls, password: password)
    }

    /// The URL without the password, for logs and `packd doctor`.
    public var description: String { "postgres://\(user)@\(host):\(port)/\(database)" }

    func clientConfiguration() -> PostgresClient.Configuration {
        let tlsSetting: PostgresClient.Configuration.TLS
        switch tls {
        case .disable: tlsSetting = .disable
        case .prefer: tlsSetting = .prefer(.makeClientConfiguration())
        case .require: tlsSetting = .require(.makeClientConfiguration())
        }
        var config = PostgresClient.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: tlsSetting)
        config.options.connectTimeout = .seconds(3)
        return config
    }
}

public struct PostgresAddressError: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    init(_ reason: String) { self.reason = reason }
    public var description: String { "[store] url \(reason)" }
}
