import Foundation

/// What the core's answer to a batch of events means (contracts.md section 4).
public enum CoreAnswer: Sendable, Equatable {
    /// 2xx, or 409 (the core has them already): delivered.
    case delivered(status: Int)
    /// 408, 429, 5xx, a timeout or a broken connection: send again later, after
    /// `retryAfterMs` when the core said so (429/503 Retry-After).
    case retry(reason: String, retryAfterMs: Int?)
    /// Any other 4xx: the core will never take it; a dead letter with the answer.
    case refused(status: Int, body: String)
    /// 401 or 403: the core refuses packd's token, not the events. A link failure:
    /// every event would be refused alike, so none is dead-lettered; delivery
    /// pauses with backoff until the token is fixed.
    case tokenRefused(status: Int, body: String)

    public static func classify(status: Int, body: String, retryAfter: String?) -> CoreAnswer {
        switch status {
        case 200..<300, 409:
            return .delivered(status: status)
        case 408, 429, 500..<600:
            return .retry(reason: "HTTP \(status)\(body.isEmpty ? "" : ": \(body.prefix(200))")", retryAfterMs: retryAfter.flatMap(parseRetryAfter))
        case 401, 403:
            return .tokenRefused(status: status, body: body)
        case 400..<500:
            return .refused(status: status, body: body)
        default:
            // 1xx and 3xx (redirects are not followed): the request did not land.
            return .retry(reason: "HTTP \(status)", retryAfterMs: nil)
        }
    }

    /// Retry-After in seconds (HTTP dates are rare from APIs and read as absent),
    /// at most ten minutes, so that a wrong header cannot stop delivery for long.
    static func parseRetryAfter(_ value: String) -> Int? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let seconds = Int(trimmed.prefix(9)) else {
            return nil
        }
        return min(seconds, 600) * 1000
    }
}
