import Foundation
public import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import NIOSSL
import PackCore
import Synchronization

/// The HTTP side of the core link: one AsyncHTTPClient with the core's timeouts
/// and trust, used by delivery and the feed. Answers are read up to 1 MiB (an
/// event batch's answer is small; a feed page has its own limit).
public final class CoreClient: Sendable {
    public struct Response: Sendable {
        public var status: Int
        public var body: [UInt8]
        public var retryAfter: String?

        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    public enum Failure: Error, Sendable, CustomStringConvertible {
        /// The core could not be reached, did not answer in time, or broke the connection.
        case transport(String)
        /// The answer was larger than packd reads.
        case tooLarge(Int)

        public var description: String {
            switch self {
            case .transport(let why): why
            case .tooLarge(let limit): "the core's answer is larger than \(limit) bytes"
            }
        }
    }

    let settings: CoreLinkSettings
    let http: HTTPClient
    /// The bearer token sent: the settings' at start, replaced when its file is
    /// read again (SIGHUP, or after the core refused the token).
    private let bearer: Mutex<String?>

    public init(settings: CoreLinkSettings) throws {
        self.settings = settings
        bearer = Mutex(settings.token)
        var tls = TLSConfiguration.makeClientConfiguration()
        if let ca = settings.caFile { tls.trustRoots = .file(ca) }
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: tls,
            timeout: .init(
                connect: .milliseconds(Int64(settings.connectTimeoutMs)), read: .milliseconds(Int64(settings.requestTimeoutMs))))
        // The core is one server: a small pool, kept warm between batches.
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 4)
        configuration.redirectConfiguration = .disallow
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Sends `token` from the next request on; returns whether it differs from the one sent so far.
    @discardableResult
    public func useToken(_ token: String?) -> Bool {
        bearer.withLock { current in
            defer { current = token }
            return current != token
        }
    }

    public func shutdown() async {
        try? await http.shutdown()
    }

    /// `POST {url}/v1/outbound-events` with `{"events":[...]}` made of the journaled payloads.
    public func postEvents(_ payloads: [String]) async throws(Failure) -> Response {
        var body = ByteBuffer()
        body.reserveCapacity(payloads.reduce(16) { $0 + $1.utf8.count + 1 })
        body.writeString("{\"events\":[")
        for (i, payload) in payloads.enumerated() {
            if i > 0 { body.writeString(",") }
            body.writeString(payload)
        }
        body.writeString("]}")
        var request = HTTPClientRequest(url: settings.endpoint("/v1/outbound-events"))
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(body)
        return try await send(request, limit: InputLimits.coreAnswerBytes)
    }

    /// `GET {url}/v1/orders?updatedSince=CURSOR&limit=N`.
    public func getOrders(cursor: String?, limit: Int, maxBytes: Int) async throws(Failure) -> Response {
        var url = settings.endpoint("/v1/orders") + "?limit=\(limit)"
        if let cursor { url += "&updatedSince=" + Self.percentEncoded(cursor) }
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        return try await send(request, limit: maxBytes)
    }

    private func send(_ request: HTTPClientRequest, limit: Int) async throws(Failure) -> Response {
        var request = request
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "packd")
        if let token = bearer.withLock({ $0 }) { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        do {
            let response = try await http.execute(request, timeout: .milliseconds(Int64(settings.requestTimeoutMs)))
            let body: ByteBuffer
            do {
                body = try await response.body.collect(upTo: limit)
            } catch is NIOTooManyBytesError {
                throw Failure.tooLarge(limit)
            }
            return Response(
                status: Int(response.status.code), body: Array(buffer: body),
                retryAfter: response.headers.first(name: "Retry-After"))
        } catch let failure as Failure {
            throw failure
        } catch {
            throw .transport(Self.describe(error))
        }
    }

    /// A short, stable description for logs and `last_error`.
    static func describe(_ error: any Error) -> String {
        if let client = error as? HTTPClientError {
            switch client {
            case .deadlineExceeded, .readTimeout: return "timed out"
            case .connectTimeout: return "connect timed out"
            case .remoteConnectionClosed: return "connection closed by the core"
            default: return "\(client)"
            }
        }
        return "\(error)"
    }

    /// RFC 3986 unreserved characters stay, everything else is %XX: an opaque cursor travels intact.
    static func percentEncoded(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: unreserved) ?? s
    }

    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}
