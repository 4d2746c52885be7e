import Logging
public import PackCoreLink
import Synchronization

/// The core's token as the daemon holds it: the client that sends it, whether the
/// core refuses it now, and reading its file again (SIGHUP, or after a refusal),
/// so that an operator who fixes `core.token_file` resumes delivery without a
/// restart and without losing an event.
public final class CoreTokenState: Sendable {
    private struct State {
        var client: CoreClient?
        /// Why, by who was refused (delivery, the feed): a core may refuse one of
        /// its endpoints alone, and one taking the token must not clear the other.
        var refused: [String: String] = [:]
    }

    private let state = Mutex(State())
    private let tokenFile: String?
    private let logger: Logger

    init(tokenFile: String?, logger: Logger) {
        self.tokenFile = tokenFile
        self.logger = logger
    }

    /// The client the core link sends with (set when the link starts).
    func attach(_ client: CoreClient?) { state.withLock { $0.client = client } }

    /// Why the core refuses the token, or nil when it takes it (or was not asked yet).
    public var refusal: String? { state.withLock { $0.refused.sorted { $0.key < $1.key }.first?.value } }

    /// Records a refusal of `source`'s requests (or its end); returns whether the
    /// token's state as a whole (refused anywhere or nowhere) changed.
    @discardableResult
    func refused(_ reason: String?, by source: String) -> Bool {
        state.withLock { s in
            let before = s.refused.isEmpty
            s.refused[source] = reason
            return before != s.refused.isEmpty
        }
    }

    /// Reads `core.token_file` again and sends what it holds from the next request
    /// on. Returns what happened, for the log; a file that cannot be read keeps the
    /// token in use.
    @discardableResult
    func reload() -> String {
        guard let tokenFile else { return "no core.token_file" }
        let token: String
        do {
            token = try APIToken.read(tokenFile, minimumLength: 1)
        } catch {
            logger.error("core.token_file cannot be read again; the token in use stays", metadata: ["error": "\(error)"])
            return "core.token_file unreadable (\(error))"
        }
        guard let client = state.withLock({ $0.client }) else { return "core link not running" }
        return client.useToken(token) ? "core token replaced from \(tokenFile)" : "core token unchanged"
    }
}
