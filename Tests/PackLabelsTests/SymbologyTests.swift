import Foundation
import PackTestSupport
import Testing

@testable import PackLabels

/// Each symbology, checked against independent tools: zint's own command-line
/// module dump (the same symbol, module for module), and zbarimg where zbar reads
/// the symbology (Debian's zbar 0.23 reads neither Data Matrix nor PDF417).
@Suite("Symbologies")
struct SymbologyTests {
    static let cases: [(Symbology, String, String)] = [
        (.code128, "SF1234567890123", "60"), (.qr, "SO-2001-1", "58"), (.datamatrix, "SO-2001-1", "71"),
        (.pdf417, "SO-2001-1 张伟", "55"), (.ean13, "690123456789", "13"),
    ]

    @Test("Modules match `zint --dump`", arguments: 0..<5)
    func modulesMatchZint(index: Int) throws {
        let (symbology, data, zintType) = Self.cases[index]
        let ours = try BarcodeSymbol.encode(data, as: BarcodeStyle(symbology: symbology))
        let extra = symbology == .qr ? ["--secure=2"] : []
        let theirs = try TSPLReader.zintModules(symbology: zintType, data: data, extra: extra)
        // zint's dump pads rows to whole hex digits and stacks EAN guard rows.
        let rows = symbology.isLinear ? [theirs.last!] : theirs
        #expect(rows.count == ours.rows)
        for (r, row) in rows.enumerated() {
            #expect(Array(row.prefix(ours.width)) == (0..<ours.width).map { ours.isDark(row: r, column: $0) }, "row \(r)")
            #expect(!row.dropFirst(ours.width).contains(true))
        }
    }

    @Test("zbarimg reads Code 128, QR and EAN-13 off a PNG", arguments: [0, 1, 4])
    func decodes(index: Int) throws {
        let (symbology, data, _) = Self.cases[index]
        let template = LabelTemplate(
            name: "t", widthMm: 100, heightMm: 60,
            elements: [
                LabelElement(
                    path: "elements[0]", frame: MillimetreRect(x: 8, y: 8, width: 84, height: 40),
                    content: .barcode(BarcodeStyle(symbology: symbology, humanReadable: true), try FieldTemplate(parsing: "{fields.data}")))
            ])
        let png = try LabelRenderer().render(template, data: LabelData(values: ["fields.data": data]), format: .png).bytes
        let expected = symbology == .ean13 ? data + "2" : data
        #expect(try Decoders.zbar(png: png) == [expected])
    }

    @Test("PDF text is vector: fonts embedded, no images")
    func pdfIsVector() throws {
        let label = try LabelRenderer().render(
            SampleOrders.bundled("waybill-100x150"), data: SampleOrders.data(SampleOrders.chinese), format: .pdf)
        let text = String(decoding: label.bytes, as: UTF8.self)
        #expect(text.contains("/FontFile"))
        #expect(!text.contains("/Subtype /Image"))
    }
}
