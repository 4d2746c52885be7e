import Foundation
import PackTestSupport
import PackCore
import PackTestRequirements
import Testing

/// A newer version of an order replaces the older one exactly: what it drops
/// (a barcode, a line, a parcel) stops matching. Through `packd replay`, whose order
/// file may give an order twice (the later version wins, as when an ERP sends an
/// update), and through the running daemon's API.
@Suite(.offCooperativePool) struct OrderVersionTests {
    let dir = TempDirectory()

    static let version1 = #"""
        {"id": "V-1", "status": "approved", "approvedAt": "2026-11-22T08:00:00Z",
         "lines": [{"sku": "MUG-1", "qty": 1, "barcodes": ["OLDCODE"]}, {"sku": "LID-1", "qty": 1}],
         "parcels": [{"id": "V-1-1", "waybill": "WB-KEEP", "lines": [{"sku": "MUG-1", "qty": 1}]},
                     {"id": "V-1-2", "waybill": "WB-DROP", "lines": [{"sku": "LID-1", "qty": 1}]}]}
        """#
    static let version2 = #"""
        {"id": "V-1", "status": "approved", "approvedAt": "2026-11-22T08:00:00Z",
         "lines": [{"sku": "MUG-1", "qty": 1, "barcodes": ["NEWCODE"]}],
         "parcels": [{"id": "V-1-1", "waybill": "WB-KEEP", "lines": [{"sku": "MUG-1", "qty": 1}]}]}
        """#

    func scans(_ codes: [String]) -> String {
        dir.file(
            "scans.jsonl",
            codes.enumerated().map { #"{"code": "\#($1)", "at_ms": \#(($0 + 1) * 1000), "device": "s1"}"# }
                .joined(separator: "\n") + "\n")
    }

    func outcomes(_ result: Packd.Result) throws -> [String] {
        try result.lines.dropLast().map { try JSONParser.parse($0)["outcome"]?.stringValue ?? "?" }
    }

    @Test func aDroppedBarcodeAndADroppedParcelStopMatching() throws {
        let orders = dir.file("orders.json", "[\(Self.version1), \(Self.version2)]")
        let result = try Packd.run(
            ["replay", "--orders", orders, "--scans", scans(["WB-KEEP", "OLDCODE", "PACKD:ACK", "NEWCODE", "WB-DROP"])])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try outcomes(result) == ["parcel_opened", "unknown_code", "acknowledged", "parcel_completed", "unknown_code"])
    }

    @Test func theFirstVersionStillMatchesWithoutTheSecond() throws {
        // The same scans against version 1 alone: the test above is not passing by accident.
        let orders = dir.file("orders.json", "[\(Self.version1)]")
        let result = try Packd.run(["replay", "--orders", orders, "--scans", scans(["WB-KEEP", "OLDCODE", "WB-DROP"])])
        #expect(try outcomes(result) == ["parcel_opened", "parcel_completed", "parcel_opened"])
    }

    @Test func aBarcodeAnotherOrderStillGivesKeepsMatching() throws {
        let other = #"""
            {"id": "V-2", "status": "approved", "lines": [{"sku": "MUG-1", "qty": 1, "barcodes": ["OLDCODE"]}], "waybill": "WB-OTHER"}
            """#
        let orders = dir.file("orders.json", "[\(Self.version1), \(other), \(Self.version2)]")
        let result = try Packd.run(["replay", "--orders", orders, "--scans", scans(["WB-KEEP", "OLDCODE"])])
        #expect(try outcomes(result) == ["parcel_opened", "parcel_completed"])
    }
}
