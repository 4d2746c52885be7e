import PackTestSupport
import Testing

@testable import PackLabels

/// `packd print --test`: the calibration label renders in every printer
/// language, reads back, and moves with the calibration offsets.
@Suite("Calibration label")
struct CalibrationLabelTests {
    static let template = CalibrationLabel.template(widthMm: 100, heightMm: 150, dpi: 203, language: "zpl", version: "0.1.0")

    @Test("ZPL: zplkit renders one label whose barcode reads PACKD-TEST")
    func zpl() throws {
        let label = try LabelRenderer().render(Self.template, data: LabelData(), format: .zpl)
        let rendering = try Decoders.zplkit(label.bytes, dpi: 203)
        #expect(rendering.labelCount == 1)
        #expect(try Decoders.zbar(png: rendering.png) == [CalibrationLabel.barcodeData])
    }

    @Test("Offsets move everything by whole dots")
    func offsets() throws {
        func inkLeftTop(_ settings: PrinterSettings) throws -> (Int, Int) {
            let layout = try LabelLayout(template: Self.template, data: LabelData(), dpi: 203)
                .shifted(dx: DotGeometry(dpi: 203).dots(settings.offsetXMm), dy: DotGeometry(dpi: 203).dots(settings.offsetYMm))
            let bitmap = try RasterRenderer.render(layout, text: TextSetter(raster: true))
            var left = Int.max
            var top = Int.max
            for y in 0..<bitmap.height {
                for x in 0..<bitmap.width where bitmap.isInk(x: x, y: y) {
                    left = min(left, x)
                    top = min(top, y)
                }
            }
            return (left, top)
        }
        let plain = try inkLeftTop(PrinterSettings())
        let moved = try inkLeftTop(PrinterSettings(offsetXMm: 2, offsetYMm: 1))
        #expect(moved.0 - plain.0 == 16 && moved.1 - plain.1 == 8)
    }
}
