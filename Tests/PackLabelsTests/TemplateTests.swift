import Foundation
import PackCore
import Testing

@testable import PackLabels

@Suite("Templates and fields")
struct TemplateTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test("The templates built into packd are exactly templates/*.json (Sources/PackLabels/Resources links each, Package.swift embeds it)")
    func bundledMatchTheFiles() throws {
        let directory = Self.repository.appendingPathComponent("templates")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") }.sorted()
        #expect(BundledTemplates.sources.map { "\($0.name).json" } == files)
        for source in BundledTemplates.sources {
            let text = try String(contentsOf: directory.appendingPathComponent("\(source.name).json"), encoding: .utf8)
            #expect(source.json + "\n" == text || source.json == text, "\(source.name)")
        }
    }

    @Test("Every bundled template loads, with the size its name says")
    func bundledLoad() throws {
        let entries = try TemplateCatalog().all()
        #expect(entries.map(\.template.sizeName) == ["60x40mm", "100x150mm", "100x180mm", "76x130mm"])
        for entry in entries { #expect(entry.template.name.hasSuffix(entry.template.sizeName.replacingOccurrences(of: "mm", with: ""))) }
    }

    @Test func fieldTemplates() throws {
        let t = try FieldTemplate(parsing: "{{literal}} {recipient.name} / {fields.routeCode}")
        #expect(t.fieldNames == ["recipient.name", "fields.routeCode"])
        #expect(t.resolve(LabelData(values: ["recipient.name": "张伟"])) == "{literal} 张伟 / ")
        #expect(throws: FieldTemplateError.self) { try FieldTemplate(parsing: "{recipient.name") }
        #expect(throws: FieldTemplateError.self) { try FieldTemplate(parsing: "a } b") }
        #expect(throws: FieldTemplateError.self) { try FieldTemplate(parsing: "{fields.}") }
    }

    @Test func labelDataFromAnOrder() throws {
        var order = SampleOrders.chinese
        order.parcels.append(Parcel(id: "SO-2001-2", waybill: "SF2", lines: [ParcelLine(sku: "CASE-01", qty: 1)]))
        let data = LabelData(
            order: order, parcel: order.parcels[1], printedAt: Timestamp(rfc3339: "2026-12-31T23:59:00Z")!,
            utcOffsetSeconds: 8 * 3600, reprint: true)
        #expect(data["parcel.index"] == "2" && data["parcel.count"] == "2")
        #expect(data["items"] == "CASE-01 x1" && data["itemNames"] == "收纳盒 x1")
        #expect(data["printedAt"] == "2027-01-01 07:59")
        #expect(data["reprint"] == "REPRINT 补打")
        #expect(data["recipient.cityLine"] == "深圳 广东 518057 CN")
        #expect(data["fields.routeCode"] == nil, "the second parcel has no label fields")
        #expect(SampleOrders.data(SampleOrders.chinese)["fields.routeCode"] == "SZX-LAX")
        let before = LabelData.localDateTime(Timestamp(millisecondsSinceEpoch: -1), utcOffsetSeconds: 0)
        #expect(before == ("1969-12-31", "23:59"))
    }

    @Test func textSanitizer() {
        #expect(TextSanitizer.clean("a\u{0}b\r\nc\rd\u{1B}e\u{85}") == "a b\nc\nd e ")
        #expect(TextSanitizer.tidy(" 1 Market St\n  San Francisco ") == "1 Market St\nSan Francisco")
    }

    @Test("Z64 CRC is CRC-16/XMODEM")
    func z64() {
        #expect(Z64.crc16(Array("123456789".utf8)) == 0x31C3)
        #expect(Z64.encode([0xFF, 0x00]).hasPrefix(":Z64:"))
    }

    @Test func inkBands() {
        var bitmap = Bitmap(width: 64, height: 100)
        bitmap.setInk(x: 9, y: 2)
        bitmap.setInk(x: 30, y: 10)
        bitmap.setInk(x: 60, y: 90)
        let bands = bitmap.inkBands(gap: 24)
        #expect(bands.map { [$0.x, $0.y, $0.bitmap.width, $0.bitmap.height] } == [[8, 2, 24, 9], [56, 90, 8, 1]])
        #expect(bands.map(\.bitmap.inkCount) == [2, 1])
    }
}
