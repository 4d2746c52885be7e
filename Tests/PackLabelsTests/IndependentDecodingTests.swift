import PackCore
import PackTestSupport
import Testing

@testable import PackLabels

/// Every bundled template, rendered in every format for a Chinese and a Latin
/// address, read back by programs packd did not write: zbarimg, zplkit, poppler.
@Suite("Labels decode with independent readers")
struct IndependentDecodingTests {
    static let waybillTemplates = ["waybill-100x150", "waybill-100x180", "waybill-76x130"]
    static let orders = ["chinese", "latin"]

    /// What a scanner must read off a waybill: the waybill (Code 128), the parcel
    /// id (QR) and the order id (Code 128).
    static func order(_ name: String) -> Order { name == "chinese" ? SampleOrders.chinese : SampleOrders.latin }

    static func expected(_ order: Order) -> Set<String> { [order.parcels[0].waybill, order.parcels[0].id, order.id] }

    @Test("PNG: zbarimg reads the waybill, QR and order barcodes", arguments: waybillTemplates, orders)
    func png(template: String, name: String) throws {
        let order = Self.order(name)
        let label = try LabelRenderer().render(SampleOrders.bundled(template), data: SampleOrders.data(order), format: .png)
        #expect(label.warnings.isEmpty)
        #expect(Set(try Decoders.zbar(png: label.bytes)) == Self.expected(order))
    }

    @Test("ZPL: zplkit renders one label whose barcodes zbarimg reads", arguments: waybillTemplates, orders)
    func zpl(template: String, name: String) throws {
        let order = Self.order(name)
        let label = try LabelRenderer().render(SampleOrders.bundled(template), data: SampleOrders.data(order), format: .zpl)
        let rendering = try Decoders.zplkit(label.bytes, dpi: 203)
        #expect(rendering.labelCount == 1)
        #expect(Set(try Decoders.zbar(png: rendering.png)) == Self.expected(order))
    }

    @Test("TSPL: the BITMAP and barcode commands, redrawn, decode the same", arguments: waybillTemplates, orders)
    func tspl(template: String, name: String) throws {
        let order = Self.order(name)
        let label = try LabelRenderer().render(SampleOrders.bundled(template), data: SampleOrders.data(order), format: .tspl)
        let program = try TSPLReader(label.bytes, dpi: 203)
        #expect(program.printCount == 1)
        #expect(program.commands.filter { $0 == "BARCODE" }.count >= 2, "waybill and order id go as native BARCODE")
        #expect(program.commands.contains("QRCODE"))
        #expect(Set(try Decoders.zbar(png: program.png)) == Self.expected(order))
    }

    @Test("PDF: poppler's rendering decodes, at the exact media size", arguments: waybillTemplates, orders)
    func pdf(template: String, name: String) throws {
        let order = Self.order(name)
        let t = try SampleOrders.bundled(template)
        let label = try LabelRenderer().render(t, data: SampleOrders.data(order), format: .pdf)
        let text = String(decoding: label.bytes, as: UTF8.self)
        let points = (t.widthMm * 72 / 25.4, t.heightMm * 72 / 25.4)
        let box = text.range(of: #"/MediaBox \[ 0 0 [0-9.]+ [0-9.]+ \]"#, options: .regularExpression).map { String(text[$0]) }
        let numbers = box?.split(separator: " ").compactMap { Double($0) }.suffix(2) ?? []
        #expect(numbers.count == 2)
        if numbers.count == 2 {
            // The media box is the label at 203 dpi rounded to whole dots: within a dot.
            #expect(abs(numbers.first! - points.0) < 0.4 && abs(numbers.last! - points.1) < 0.4)
        }
        #expect(Set(try Decoders.zbar(png: Decoders.pdfPage(label.bytes, dpi: 300))) == Self.expected(order))
    }

    @Test("300 dpi: every format decodes", arguments: [LabelFormat.png, .zpl, .tspl])
    func highResolution(format: LabelFormat) throws {
        let order = SampleOrders.chinese
        let label = try LabelRenderer().render(
            SampleOrders.bundled("waybill-100x150"), data: SampleOrders.data(order), format: format, dpi: 300)
        #expect(label.widthDots == 1181 && label.heightDots == 1772)
        let png: [UInt8]
        switch format {
        case .zpl: png = try Decoders.zplkit(label.bytes, dpi: 300).png
        case .tspl: png = try TSPLReader(label.bytes, dpi: 300).png
        default: png = label.bytes
        }
        #expect(Set(try Decoders.zbar(png: png)) == Self.expected(order))
    }

    @Test("The SKU label carries the first item's SKU", arguments: [LabelFormat.png, .zpl, .tspl])
    func skuLabel(format: LabelFormat) throws {
        let label = try LabelRenderer().render(
            SampleOrders.bundled("sku-60x40"), data: SampleOrders.data(SampleOrders.chinese), format: format)
        let png: [UInt8]
        switch format {
        case .zpl: png = try Decoders.zplkit(label.bytes, dpi: 203).png
        case .tspl: png = try TSPLReader(label.bytes, dpi: 203).png
        default: png = label.bytes
        }
        #expect(try Decoders.zbar(png: png) == ["RAZOR-01"])
    }
}
