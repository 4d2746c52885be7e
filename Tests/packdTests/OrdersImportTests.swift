import Foundation
import PackTestSupport
import PackCore
import PackStore
import PackTestRequirements
import Testing

@Suite(.offCooperativePool) struct OrdersImportTests {
    let dir = TempDirectory()

    var state: String { dir.sub("state") }

    func importFile(_ path: String, _ extra: [String] = []) throws -> Packd.Result {
        try Packd.run(["orders", "import", path, "--state", state] + extra)
    }

    func bookCount() async throws -> Int {
        try await SQLiteJournal(directory: state).loadBook().orderCount
    }

    @Test func importsTheSampleOrders() async throws {
        let result = try importFile(Packd.sample("orders.json"))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Imported 7 order(s)"))
        #expect(result.stdout.contains("7 new, 0 replaced"))
        #expect(try await bookCount() == 7)
        let again = try importFile(Packd.sample("orders.json"))
        #expect(again.stdout.contains("0 new, 7 replaced"))
    }

    @Test func stateDirectoryComesFromTheEnvironment() async throws {
        let result = try Packd.run(["orders", "import", Packd.sample("orders.json")], environment: ["PACKD_STATE": state])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try await bookCount() == 7)
    }

    @Test func importsTheSampleCSV() async throws {
        let result = try importFile(Packd.sample("orders.csv"))
        #expect(result.status == 0, "\(result.stderr)")
        let book = try await SQLiteJournal(directory: state).loadBook()
        #expect(book.orderCount == 3)
        let tea = try #require(book.parcel(ParcelKey(orderId: "SO-2001", parcelId: "SO-2001-1")))
        #expect(tea.waybill == "ZTO7300002001")
        #expect(tea.items == [ParcelLine(sku: "TEA-500", qty: 2), ParcelLine(sku: "CUP-01", qty: 1)])
        let split = try #require(book.parcel(ParcelKey(orderId: "SO-2003", parcelId: "SO-2003-B")))
        #expect(split.items == [ParcelLine(sku: "TEA-500", qty: 1)])
    }

    /// Bad files: exit 2, the path of the problem on stderr, and nothing imported,
    /// not even the good orders of the same file, not even a replacement.
    @Test(arguments: [
        ("wrong-type.json", #"[{"id": "A", "status": "approved", "waybill": "W", "lines": [{"sku": "X", "qty": 1}]}, {"id": "B", "status": "approved", "waybill": "W2", "lines": [{"sku": 9, "qty": 1}]}]"#, "orders[1].lines[0].sku: must be a string, not a number"),
        ("missing.json", #"[{"id": "A", "status": "approved", "waybill": "W", "lines": [{"sku": "X", "qty": 1}]}, {"id": "B", "waybill": "W2", "lines": [{"sku": "X", "qty": 1}]}]"#, "orders[1].status: is required"),
        ("qty0.json", #"[{"id": "A", "status": "approved", "waybill": "W", "lines": [{"sku": "X", "qty": 0}]}]"#, "orders[0].lines[0].qty: must be > 0, not 0"),
        ("qtyneg.json", #"[{"id": "A", "status": "approved", "waybill": "W", "lines": [{"sku": "X", "qty": -3}]}]"#, "orders[0].lines[0].qty: must be > 0, not -3"),
        ("top.json", #"{"order": []}"#, "orders: must be an array of orders"),
        ("scalar.json", "42", "$: must be an array of orders"),
        ("replace.json", #"[{"id": "SO-1001", "status": "cancelled", "waybill": "YT2412345678901", "lines": [{"sku": "RAZOR-01", "qty": 2}]}, {"id": "C", "status": "approved", "waybill": "WC", "lines": [{"sku": "X", "qty": 1.5}]}]"#, "orders[1].lines[0].qty: must be a whole number, not 1.5"),
        ("bad.csv", "order_id,status,waybill,sku,qty\nA,approved,W,X,1\nB,approved,W2,Y,zero\n", "row 3, column qty: must be a whole number from 1 to 100000, not \"zero\""),
        ("nocol.csv", "order_id,status,sku,qty\nA,approved,X,1\n", "row 1: the header has no \"waybill\" column"),
        ("mixed.csv", "order_id,status,waybill,sku,qty\nA,approved,W,X,1\nA,cancelled,W,Y,1\n", "row 3, column status: \"cancelled\" differs from \"approved\" in row 2 of order A"),
    ])
    func badFilesImportNothing(_ name: String, _ content: String, _ expected: String) async throws {
        #expect(try importFile(Packd.sample("orders.json")).status == 0)
        let before = try await SQLiteJournal(directory: state).parcelStates()
        let result = try importFile(dir.file(name, content))
        #expect(result.status == 2)
        #expect(result.stderr.contains("nothing imported"), "\(result.stderr)")
        #expect(result.stderr.contains(expected), "\(result.stderr)")
        let journal = try SQLiteJournal(directory: state)
        #expect(try await journal.loadBook().orderCount == 7)
        #expect(try await journal.parcelStates() == before)
        #expect(try await journal.loadBook().parcel(ParcelKey(orderId: "SO-1001", parcelId: "SO-1001-1"))?.orderStatus == .approved)
    }

    @Test func aTenMegabyteStringIsRefused() async throws {
        let big = String(repeating: "长", count: 3_500_000)
        let path = dir.file("big.json", #"[{"id": "A", "status": "approved", "waybill": "W", "remark": "\#(big)", "lines": [{"sku": "X", "qty": 1}]}]"#)
        let result = try importFile(path)
        #expect(result.status == 2)
        #expect(result.stderr.contains("orders[0].remark: is 10500000 bytes long; at most 65536 are allowed"), "\(result.stderr)")
        if FileManager.default.fileExists(atPath: state) {
            #expect(try await bookCount() == 0)
        }
    }

    @Test func invalidUTF8IsRefused() async throws {
        var bytes = Array(#"[{"id": "A", "status": "approved", "waybill": "W", "lines": [{"sku": "X"#.utf8)
        bytes += [0xC0, 0xAF]
        bytes += Array(#"", "qty": 1}]}]"#.utf8)
        let result = try importFile(dir.file("utf8.json", bytes: bytes))
        #expect(result.status == 2)
        #expect(result.stderr.contains("invalid UTF-8 byte 0xC0"), "\(result.stderr)")
        let csv = try importFile(dir.file("utf8.csv", bytes: Array("order_id,status,waybill,sku,qty\nA,approved,W,".utf8) + [0xFF] + Array(",1\n".utf8)))
        #expect(csv.status == 2)
        #expect(csv.stderr.contains("invalid UTF-8 byte 0xFF"), "\(csv.stderr)")
    }

    @Test func aWaybillOwnedByAnotherOrderIsRefused() async throws {
        #expect(try importFile(Packd.sample("orders.json")).status == 0)
        let path = dir.file("dup.json", #"[{"id": "NEW-1", "status": "approved", "waybill": "yt2412345678901", "lines": [{"sku": "X", "qty": 1}]}]"#)
        let result = try importFile(path)
        #expect(result.status == 2)
        #expect(result.stderr.contains(#"orders[0].parcels[0].waybill: "yt2412345678901" already belongs to order SO-1001"#), "\(result.stderr)")
        #expect(try await bookCount() == 7)
    }
}

@Suite(.offCooperativePool) struct StockCommandTests {
    let dir = TempDirectory()

    @Test func countsAndShipmentsShowInTheLedger() throws {
        let state = dir.sub("state")
        #expect(try Packd.run(["stock", "set", "RAZOR-01", "50", "--note", "cycle count", "--state", state]).status == 0)
        #expect(try Packd.run(["replay", "--orders", Packd.sample("orders.json"), "--scans", Packd.sample("scans.jsonl"), "--state", state]).status == 0)
        let table = try Packd.run(["stock", "--state", state])
        #expect(table.status == 0)
        let razor = try #require(table.lines.first { $0.hasPrefix("RAZOR-01") })
        #expect(razor.split(separator: " ", omittingEmptySubsequences: true)[1] == "48")
        let moves = try Packd.run(["stock", "--sku", "RAZOR-01", "--json", "--state", state])
        let parsed = try moves.lines.map { try JSONParser.parse($0) }
        #expect(parsed.map { $0["delta"] } == [50, -2])
        #expect(parsed.map { $0["kind"] } == ["count", "shipment"])
        #expect(parsed[0]["reference"] == "cycle count")
    }

    @Test(arguments: [["stock", "set", "X", "-1"], ["stock", "set", " X", "1"], ["stock", "set", "X", "many"]])
    func badCountsAreRefused(_ args: [String]) throws {
        let result = try Packd.run(args + ["--state", dir.sub("state")])
        #expect(result.status == 2)
        #expect(!result.stderr.isEmpty)
    }

    @Test func anUnwritableStateDirectoryIsAnError() throws {
        let result = try Packd.run(["stock", "--state", "/proc/packd-cannot-be-here"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("cannot open the journal in /proc/packd-cannot-be-here"), "\(result.stderr)")
    }
}
