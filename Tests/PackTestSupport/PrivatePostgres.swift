public import Foundation

/// A PostgreSQL 15 server of the test's own (Debian's postgresql-15 binaries): a
/// data directory in a temporary directory, listening on loopback at a free port
/// and on a socket in that directory. initdb refuses root, so as root the server
/// runs as the `postgres` user.
public final class PrivatePostgres: @unchecked Sendable {
    public static let binaries = "/usr/lib/postgresql/15/bin"
    public let directory: String
    public let port: Int
    private var daemon: Daemon?
    /// The database name of a URL this server made.
    public static func database(of url: String) -> String {
        String(url.split(separator: "/").last!.split(separator: "?").first!)
    }

    public static var available: Bool {
        FileManager.default.isExecutableFile(atPath: "\(binaries)/initdb")
            && (getuid() != 0 || FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"))
    }

    /// One server for the whole test process (each test takes a database of its own).
    private static let sharedServer: Result<PrivatePostgres, any Error>? =
        available ? Result { try PrivatePostgres() } : nil

    /// The shared server; nil where PostgreSQL 15 is not installed (tests skip),
    /// an error where it is but would not start (tests fail).
    public static func shared() throws -> PrivatePostgres? { try sharedServer?.get() }

    public init() throws {
        directory = NSTemporaryDirectory() + "packd-pg-\(UUID().uuidString.prefix(8))"
        port = try HTTPClient.freePort()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if getuid() == 0 { try run(asPostgres: false, "/bin/chown", ["postgres:postgres", directory]) }
        try run("\(Self.binaries)/initdb", ["-D", "\(directory)/data", "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"])
        // Enough connections for a fleet of packd processes in one test.
        try "max_connections = 800\nfsync = on\n".write(
            toFile: "\(directory)/data/postgresql.auto.conf", atomically: false, encoding: .utf8)
        try start()
    }

    deinit {
        stop(mode: "immediate")
        if ProcessInfo.processInfo.environment["PACKD_KEEP_PG"] != "1" {
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    /// Starts the server and returns once it accepts connections (within 60 s).
    /// It runs in the foreground as a child of the test (not through pg_ctl, whose
    /// server outlives it), as `postgres` through setpriv, which execs in place so
    /// that signals reach the server itself.
    public func start() throws {
        let server = "\(Self.binaries)/postgres"
        let arguments = ["-D", "\(directory)/data", "-k", directory, "-p", "\(port)", "-c", "listen_addresses=127.0.0.1"]
        daemon =
            getuid() == 0
            ? try Daemon("/usr/bin/setpriv", ["--reuid=postgres", "--regid=postgres", "--init-groups", server] + arguments,
                         output: "\(directory)/log")
            : try Daemon(server, arguments, output: "\(directory)/log")
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if (try? psql("SELECT 1")) != nil { return }
            // PostgreSQL takes about a second to start; ask again shortly.
            usleep(50_000)
        }
        throw PostgresSetupError("PostgreSQL did not start within 60 s (log: \(directory)/log)")
    }

    /// Stops it: `fast` (clients disconnected, a clean shut-down) or `immediate` (a
    /// crash: the next start recovers from the WAL).
    public func stop(mode: String = "fast") {
        daemon?.stop(mode == "immediate" ? SIGQUIT : SIGINT)
        daemon = nil
    }

    /// A new empty database; its `postgres://` URL.
    public func createDatabase() throws -> String {
        let name = "packd_\(UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: ""))"
        try psql("CREATE DATABASE \(name)")
        return url(database: name)
    }

    public func url(database: String) -> String { "postgres://postgres@127.0.0.1:\(port)/\(database)?sslmode=disable" }

    /// Runs SQL with psql and returns its unaligned output.
    @discardableResult
    public func psql(_ sql: String, database: String = "postgres") throws -> String {
        try run(asPostgres: false,
            
            "\(Self.binaries)/psql",
            ["-h", "127.0.0.1", "-p", "\(port)", "-U", "postgres", "-d", database, "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql])
    }

    /// Runs a tool to its end (90 s at most) and returns its output; as root,
    /// initdb and the other server tools run as `postgres`.
    @discardableResult
    private func run(asPostgres: Bool = true, _ path: String, _ arguments: [String]) throws -> String {
        let asOther = asPostgres && getuid() == 0
        let result = try ExternalTool.run(
            asOther ? "/usr/bin/setpriv" : path,
            asOther ? ["--reuid=postgres", "--regid=postgres", "--init-groups", path] + arguments : arguments, timeout: 90)
        guard result.status == 0 else {
            throw PostgresSetupError("\(path) \(arguments.joined(separator: " ")): exit \(result.status): \(result.text)\(result.stderr)")
        }
        return result.text
    }
}

public struct PostgresSetupError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
