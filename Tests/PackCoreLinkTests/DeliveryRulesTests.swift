import Foundation
import PackCore
@testable import PackCoreLink
import PackStore
import Testing

/// The delivery rules on their own: what an answer means, how long a retry
/// waits, how fast a backlog may go, what a feed page holds.
@Suite struct DeliveryRulesTests {
    @Test(arguments: [
        (200, "delivered"), (201, "delivered"), (204, "delivered"), (409, "delivered"),
        (408, "retry"), (429, "retry"), (500, "retry"), (502, "retry"), (503, "retry"), (599, "retry"),
        (400, "refused"), (401, "token"), (403, "token"), (404, "refused"), (410, "refused"), (422, "refused"),
        (301, "retry"), (100, "retry"),
    ])
    func anAnswerMeansWhatContractsSay(_ status: Int, _ meaning: String) {
        switch CoreAnswer.classify(status: status, body: "", retryAfter: nil) {
        case .delivered: #expect(meaning == "delivered")
        case .retry: #expect(meaning == "retry")
        case .refused: #expect(meaning == "refused")
        case .tokenRefused: #expect(meaning == "token")
        }
    }

    @Test func retryAfterIsHonouredInSecondsAndCapped() {
        #expect(CoreAnswer.classify(status: 429, body: "", retryAfter: "7") == .retry(reason: "HTTP 429", retryAfterMs: 7000))
        #expect(CoreAnswer.classify(status: 503, body: "", retryAfter: " 2 ") == .retry(reason: "HTTP 503", retryAfterMs: 2000))
        // Ten minutes at most, whatever the core says; a date or garbage reads as absent.
        #expect(CoreAnswer.parseRetryAfter("99999999999999999999") == 600_000)
        #expect(CoreAnswer.parseRetryAfter("Wed, 21 Oct 2026 07:28:00 GMT") == nil)
        #expect(CoreAnswer.parseRetryAfter("-5") == nil)
        #expect(CoreAnswer.parseRetryAfter("") == nil)
    }

    @Test func backoffDoublesWithJitterUpToItsCap() {
        let backoff = Backoff(baseMs: 500, capMs: 60_000)
        #expect((1...9).map(backoff.ceilingMs(after:)) == [500, 1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000])
        #expect(backoff.ceilingMs(after: Int.max) == 60_000)
        var rng = SystemRandomNumberGenerator()
        for failures in 1...20 {
            let ceiling = backoff.ceilingMs(after: failures)
            let delays = (0..<200).map { _ in backoff.delayMs(after: failures, using: &rng) }
            #expect(delays.allSatisfy { $0 >= ceiling / 2 && $0 <= ceiling })
            #expect(Set(delays).count > 1, "jitter: retries of many stations spread out")
        }
    }

    @Test func thePacerSpacesRequestsToTheRate() {
        let start = ContinuousClock.now
        var pacer = RequestPacer(perSecond: 10, now: start)
        // A second's worth goes at once, then one every tenth of a second.
        let burst = (0..<10).map { _ in pacer.reserve(now: start) }
        #expect(burst.allSatisfy { $0 == .zero })
        #expect(pacer.reserve(now: start) == .milliseconds(100))
        var unlimited = RequestPacer(perSecond: 0, now: start)
        #expect((0..<1000).allSatisfy { _ in unlimited.reserve(now: start) == .zero })
    }

    @Test func aFeedPageKeepsItsGoodOrdersAndNamesTheBadOnes() throws {
        let body = #"{"cursor": "42", "orders": [{"id": "A", "status": "approved", "waybill": "W1", "lines": [{"sku": "X", "qty": 1}]}, {"id": "B", "status": "approved", "waybill": "W2", "lines": [{"sku": "X", "qty": -1}]}, 7]}"#
        let page = try FeedPage.decode(Array(body.utf8), at: Timestamp(millisecondsSinceEpoch: 0))
        #expect(page.cursor == "42" && page.count == 3)
        #expect(page.orders.map(\.id) == ["A"] && page.positions == [0])
        #expect(page.rejected.map(\.orderId) == ["B", nil])
        #expect(page.rejected.map(\.path) == ["orders[1].lines[0].qty", "orders[2]"])
    }

    @Test(arguments: [
        "", "[]", "{}", #"{"orders": []}"#, #"{"orders": {}, "cursor": "1"}"#, #"{"orders": [], "cursor": ""}"#,
        #"{"orders": [], "cursor": 5}"#, "{\"orders\": [], \"cursor\": \"\(String(repeating: "x", count: 4097))\"}",
    ])
    func aPageThatDoesNotReadMovesNothing(_ body: String) {
        #expect(throws: FeedPage.Unreadable.self) { try FeedPage.decode(Array(body.utf8), at: Timestamp(millisecondsSinceEpoch: 0)) }
    }

    @Test func aCursorTravelsIntact() {
        #expect(CoreClient.percentEncoded("a b&c=d/é~_.-") == "a%20b%26c%3Dd%2F%C3%A9~_.-")
    }
}
