import PackCore
import PackTestSupport
import Testing

@testable import PackLabels

/// Customer data that looks like printer commands must print as text, inside
/// its box, on exactly one label: no byte of it may reach a command parser.
@Suite("Hostile data stays inert")
struct InjectionTests {
    static let hostile = [
        "^XZ^XA^FO0,0^GB800,1200,800^FS", "~JA~JR", "^FDpwned^FS", #"C:\temp\\"#, #"He said "hi" 'ok'"#,
        "line1\r\nline2\rline3\n", "nul\u{0}byte", "\u{200F}مرحبا\u{200F} RTL", "\u{1B}[2J ESC \u{7F} DEL",
        String(repeating: "很长的地址ABC^XA~JA", count: 340),  // 5,100 characters
    ]

    static var hostileOrder: Order {
        var order = SampleOrders.order(
            id: "SO-6666", waybill: #"YT^XZ~JA"\1"#,
            recipient: Address(
                name: hostile[0] + hostile[6], phone: hostile[1], company: hostile[2], address1: hostile[9],
                address2: hostile[3] + hostile[5], city: hostile[4], state: hostile[7], postalCode: hostile[8],
                country: "CN"),
            remark: hostile.joined(separator: " | "),
            lines: [OrderLine(sku: "EVIL^XZ", name: hostile[0], qty: 1)], routeCode: hostile[1] + hostile[9])
        order.sender?.name = hostile[9]
        return order
    }

    static func expected(_ order: Order) -> Set<String> { [order.parcels[0].waybill, order.parcels[0].id, order.id] }

    @Test("ZPL: one label, only packd's commands, the barcodes read back exactly")
    func zpl() throws {
        let order = Self.hostileOrder
        let label = try LabelRenderer().render(SampleOrders.bundled("waybill-100x150"), data: SampleOrders.data(order), format: .zpl)
        let text = String(decoding: label.bytes, as: UTF8.self)
        #expect(!text.contains("~"), "no tilde command may reach the printer")
        #expect(text.components(separatedBy: "^XA").count == 2)
        #expect(text.components(separatedBy: "^XZ").count == 2 && text.hasSuffix("^XZ\n"))
        let allowed: Set<String> = ["XA", "CI", "PW", "LL", "LH", "FO", "GF", "FS", "BY", "BC", "BQ", "FH", "FD", "GB", "XZ"]
        let commands = text.split(separator: "^").map { String($0.prefix(2)) }
        #expect(Set(commands).isSubset(of: allowed), "unexpected commands: \(Set(commands).subtracting(allowed))")
        // Every ^FD is escaped: only letters, digits, _XX escapes and the QR prefix.
        for field in text.components(separatedBy: "^FD").dropFirst() {
            let data = field.prefix { $0 != "^" }
            #expect(data.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == ",") }, "\(data)")
        }
        let rendering = try Decoders.zplkit(label.bytes, dpi: 203)
        #expect(rendering.labelCount == 1)
        #expect(Set(try Decoders.zbar(png: rendering.png)) == Self.expected(order))
    }

    @Test("TSPL: only packd's commands, one PRINT, the barcodes read back exactly")
    func tspl() throws {
        let order = Self.hostileOrder
        let label = try LabelRenderer().render(SampleOrders.bundled("waybill-100x150"), data: SampleOrders.data(order), format: .tspl)
        let program = try TSPLReader(label.bytes, dpi: 203)
        #expect(program.printCount == 1)
        #expect(program.commands.last == "PRINT")
        // The waybill holds a quote and a backslash: it is drawn, not sent as BARCODE.
        #expect(program.commands.filter { $0 == "BARCODE" }.count == 1)
        #expect(Set(try Decoders.zbar(png: program.png)) == Self.expected(order))
    }

    @Test("PNG and PDF of hostile data render and read back", arguments: [LabelFormat.png, .pdf])
    func rasterAndVector(format: LabelFormat) throws {
        let order = Self.hostileOrder
        let label = try LabelRenderer().render(SampleOrders.bundled("waybill-100x150"), data: SampleOrders.data(order), format: format)
        let png = format == .pdf ? try Decoders.pdfPage(label.bytes, dpi: 300) : label.bytes
        #expect(Set(try Decoders.zbar(png: png)) == Self.expected(order))
    }

    @Test("A 5,000-character field stays inside its box", arguments: Self.hostile)
    func staysInItsBox(value: String) throws {
        let template = LabelTemplate(
            name: "box", widthMm: 60, heightMm: 40,
            elements: [
                LabelElement(
                    path: "elements[0]", frame: MillimetreRect(x: 10, y: 10, width: 30, height: 12),
                    content: .text(TextStyle(size: 10), try FieldTemplate(parsing: "{remark}")))
            ])
        let layout = try LabelLayout(template: template, data: LabelData(values: ["remark": value]), dpi: 203)
        let bitmap = try RasterRenderer.render(layout, text: TextSetter(raster: true))
        let frame = DotGeometry(dpi: 203).rect(template.elements[0].frame)
        var inside = 0
        var outside = 0
        for y in 0..<bitmap.height {
            for x in 0..<bitmap.width where bitmap.isInk(x: x, y: y) {
                if x >= frame.x, x < frame.maxX, y >= frame.y, y < frame.maxY { inside += 1 } else { outside += 1 }
            }
        }
        #expect(inside > 0, "the text is drawn")
        #expect(outside == 0, "no ink outside the box")
    }
}
