import Foundation
import PackTestSupport
import PackCore
import PackTestRequirements
import Testing

/// GS1 codes as a packer's scanner sends them, through `packd replay`: a code
/// carrying an AI packd has not heard of, or a Digital Link URI, still verifies the
/// item by its GTIN.
@Suite(.offCooperativePool) struct GS1ScanTests {
    let dir = TempDirectory()

    @Test func anUnknownAIOrADigitalLinkStillVerifiesTheItemByItsGTIN() throws {
        let scans = [
            #"{"code": "YT2412345678901", "at_ms": 1000, "device": "s1"}"#,
            // AI 7240 (protocol id) was missing from packd's table: the whole code was unknown.
            #"{"code": "]C10106901234567892" + "10LOT1\u001D7240ABC", "at_ms": 2000, "device": "s1"}"#
                .replacingOccurrences(of: "\" + \"", with: ""),
            #"{"code": "https://brand.example.com/dl/01/06901234567892/10/LOT%202?17=271231&linkType=gs1:pip", "at_ms": 3000, "device": "s1"}"#,
        ]
        let file = dir.file("scans.jsonl", scans.joined(separator: "\n") + "\n")
        let result = try Packd.run(["replay", "--orders", Packd.sample("orders.json"), "--scans", file])
        #expect(result.status == 0, "\(result.stderr)")
        let outcomes = try result.lines.dropLast().map { try JSONParser.parse($0)["outcome"]?.stringValue ?? "?" }
        #expect(outcomes == ["parcel_opened", "item_verified", "item_verified"], "\(result.stdout)")
    }
}
