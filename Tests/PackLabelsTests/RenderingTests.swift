import PackCore
import Testing

@testable import PackLabels

/// What the painter draws, measured on the 1-bit raster.
@Suite("Rendering")
struct RenderingTests {
    func raster(_ elements: [LabelElement], data: [String: String] = [:]) throws -> Bitmap {
        let template = LabelTemplate(name: "t", widthMm: 60, heightMm: 40, elements: elements)
        let layout = try LabelLayout(template: template, data: LabelData(values: data), dpi: 203)
        return try RasterRenderer.render(layout, text: TextSetter(raster: true))
    }

    func inkBox(_ b: Bitmap) -> (width: Int, height: Int, count: Int) {
        var minX = Int.max, minY = Int.max, maxX = -1, maxY = -1, count = 0
        for y in 0..<b.height {
            for x in 0..<b.width where b.isInk(x: x, y: y) {
                minX = min(minX, x); maxX = max(maxX, x); minY = min(minY, y); maxY = max(maxY, y); count += 1
            }
        }
        return (maxX - minX + 1, maxY - minY + 1, count)
    }

    @Test("Rotated text runs along the box's long side", arguments: [0, 90, 180, 270])
    func rotation(degrees: Int) throws {
        let text = LabelElement(
            path: "elements[0]", frame: MillimetreRect(x: 20, y: 2, width: 10, height: 36),
            content: .text(TextStyle(size: 12, rotation: degrees), try FieldTemplate(parsing: "WAYBILL")))
        let box = inkBox(try raster([text]))
        #expect(box.count > 0)
        if degrees == 90 || degrees == 270 {
            #expect(box.height > box.width * 2)
        } else {
            // Upright text in a narrow box wraps into a short column of letters.
            #expect(box.width < 90)
        }
    }

    @Test("Inverted text is paper on a filled box")
    func inverted() throws {
        let frame = MillimetreRect(x: 5, y: 5, width: 40, height: 10)
        let box = LabelElement(path: "elements[0]", frame: frame, content: .box(thicknessMm: 0.3, filled: true))
        let text = LabelElement(
            path: "elements[1]", frame: frame, content: .text(TextStyle(size: 16, inverted: true), try FieldTemplate(parsing: "SZX")))
        let filled = inkBox(try raster([box])).count
        let withText = inkBox(try raster([box, text])).count
        #expect(withText < filled, "the letters clear dots out of the box")
    }

    @Test("A logo on white prints its dark parts only")
    func logo() throws {
        var picture = Bitmap(width: 40, height: 40)
        for y in 10..<30 { for x in 10..<30 { picture.setInk(x: x, y: y) } }
        let png = try PNGEncoder.encode(picture)
        let image = LabelElement(
            path: "elements[0]", frame: MillimetreRect(x: 0, y: 0, width: 20, height: 20), content: .image(LabelImage(png: png)))
        let box = inkBox(try raster([image]))
        // 20 mm at 203 dpi is 160 dots: the 40-dot picture is scaled 4x; its dark
        // square is a quarter of it, 80x80 dots.
        #expect(abs(box.width - 80) <= 2 && abs(box.height - 80) <= 2)
        #expect(abs(box.count - 6400) < 400)
    }

    @Test("Rules and boxes are whole dots")
    func rules() throws {
        let rule = LabelElement(
            path: "elements[0]", frame: MillimetreRect(x: 0, y: 10, width: 60, height: 0), content: .line(thicknessMm: 0.5))
        let box = inkBox(try raster([rule]))
        #expect(box.width == 480 && box.height == 4 && box.count == 480 * 4)
    }
}
