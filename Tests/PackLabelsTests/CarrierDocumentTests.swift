import Foundation
import PackCore
import PackTestSupport
import Testing

@testable import PackLabels

/// The carrier's own label: passed through where the printer speaks its
/// language, rasterised to the media otherwise.
@Suite("Carrier documents")
struct CarrierDocumentTests {
    static let order = SampleOrders.latin
    static let waybill = order.parcels[0].waybill

    /// A carrier PDF: a label packd renders, at the given size.
    func carrierPDF(widthMm: Double, heightMm: Double) throws -> [UInt8] {
        let template = LabelTemplate(
            name: "carrier", widthMm: widthMm, heightMm: heightMm,
            elements: [
                LabelElement(
                    path: "elements[0]", frame: MillimetreRect(x: 5, y: 5, width: widthMm - 10, height: 30),
                    content: .barcode(BarcodeStyle(symbology: .code128), try FieldTemplate(parsing: "{waybill}"))),
                LabelElement(
                    path: "elements[1]", frame: MillimetreRect(x: 5, y: 40, width: widthMm - 10, height: 10),
                    content: .text(TextStyle(size: 12), try FieldTemplate(parsing: "{recipient.name}"))),
            ])
        return try LabelRenderer().render(template, data: SampleOrders.data(Self.order), format: .pdf).bytes
    }

    @Test func zplPassesThroughToZPLByteForByte() throws {
        let zpl = Array("^XA^FO50,50^BCN,100^FDCARRIER123^FS^XZ".utf8)
        let label = try CarrierDocument(format: .zpl, bytes: zpl).convert(to: .zpl, dpi: 203)
        #expect(label.bytes == zpl)
    }

    @Test func zplCannotGoToATSPLPrinter() throws {
        let document = CarrierDocument(format: .zpl, bytes: Array("^XA^XZ".utf8))
        let error = try #require(throws: LabelError.self) { try document.convert(to: .tspl, dpi: 203) }
        #expect(error.description.contains("can only go to a ZPL printer"))
    }

    @Test("A PDF document is rasterised for ZPL and reads back through zplkit")
    func pdfToZPL() throws {
        let label = try CarrierDocument(format: .pdf, bytes: carrierPDF(widthMm: 100, heightMm: 150)).convert(to: .zpl, dpi: 203)
        let rendering = try Decoders.zplkit(label.bytes, dpi: 203)
        #expect(rendering.labelCount == 1)
        #expect(try Decoders.zbar(png: rendering.png) == [Self.waybill])
    }

    @Test("A landscape PDF is turned to fit portrait media")
    func landscapePDF() throws {
        let label = try CarrierDocument(format: .pdf, bytes: carrierPDF(widthMm: 150, heightMm: 100))
            .convert(to: .tspl, dpi: 203)
        let program = try TSPLReader(label.bytes, dpi: 203)
        #expect(program.widthMm == 100 && program.heightMm == 150)
        #expect(try Decoders.zbar(png: program.png) == [Self.waybill])
        // Turned: the bars run across the label's height, so ink spans most of it.
        var rows = 0
        for y in 0..<program.image.height where (0..<program.image.width).contains(where: { program.image.isInk(x: $0, y: y) }) {
            rows += 1
        }
        #expect(rows > program.image.height / 2)
    }

    @Test("A PNG document goes to PDF and PNG printers", arguments: [LabelFormat.pdf, .png])
    func pngDocument(target: LabelFormat) throws {
        let png = try LabelRenderer().render(
            SampleOrders.bundled("waybill-100x150"), data: SampleOrders.data(Self.order), format: .png
        ).bytes
        let label = try CarrierDocument(format: .png, bytes: png).convert(to: target, dpi: 203)
        let page = target == .pdf ? try Decoders.pdfPage(label.bytes, dpi: 300) : label.bytes
        #expect(Set(try Decoders.zbar(png: page)) == [Self.waybill, Self.order.parcels[0].id, Self.order.id])
    }

    @Test func pdfPassesThroughToPDF() throws {
        let pdf = try carrierPDF(widthMm: 100, heightMm: 150)
        #expect(try CarrierDocument(format: .pdf, bytes: pdf).convert(to: .pdf, dpi: 203).bytes == pdf)
    }

    @Test("Corrupt, empty and oversized documents are refused", arguments: [LabelFormat.zpl, .tspl, .png, .pdf])
    func corrupt(target: LabelFormat) throws {
        let corruptPDF = CarrierDocument(format: .pdf, bytes: Array("%PDF-1.4\n1 0 obj garbage".utf8))
        #expect(try #require(throws: LabelError.self) { try corruptPDF.convert(to: target, dpi: 203) }.description
            .contains("document: the PDF document cannot be read"))
        let corruptPNG = CarrierDocument(format: .png, bytes: [0x89, 0x50, 0x4E, 0x47, 1, 2, 3])
        #expect(try #require(throws: LabelError.self) { try corruptPNG.convert(to: target, dpi: 203) }.description
            .contains("PNG document is corrupt"))
        let empty = CarrierDocument(format: .pdf, bytes: [])
        #expect(throws: LabelError.self) { try empty.convert(to: target, dpi: 203) }
        let huge = CarrierDocument(format: .png, bytes: [UInt8](repeating: 0, count: CarrierDocument.maxBytes + 1))
        #expect(try #require(throws: LabelError.self) { try huge.convert(to: target, dpi: 203) }.description.contains("at most"))
    }

    @Test func invalidBase64() throws {
        #expect(throws: LabelError.self) { try CarrierDocument(format: .pdf, base64: "not base64 !!!") }
    }
}
