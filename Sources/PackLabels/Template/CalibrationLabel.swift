/// The label `packd print --test` prints: millimetre rulers along the top and
/// left edges, a box 1 mm inside the edge, a centre cross, the resolution, the
/// language and packd's version, and a barcode to scan. A printer that needs an
/// offset, or is set to the wrong resolution, shows it at a glance.
public enum CalibrationLabel {
    public static let barcodeData = "PACKD-TEST"

    public static func template(widthMm: Double, heightMm: Double, dpi: Int, language: String, version: String) -> LabelTemplate {
        var elements: [LabelElement] = []
        func add(_ frame: MillimetreRect, _ content: LabelElement.Content, id: String? = nil) {
            elements.append(LabelElement(path: "elements[\(elements.count)]", id: id, frame: frame, content: content))
        }
        func text(_ s: String, size: Double, bold: Bool = false, align: TextStyle.Alignment = .center) -> LabelElement.Content {
            .text(TextStyle(size: size, minSize: min(size, 5), bold: bold, align: align, fit: .shrink), FieldTemplate(parts: [.literal(s)]))
        }
        add(MillimetreRect(x: 1, y: 1, width: widthMm - 2, height: heightMm - 2), .box(thicknessMm: 0.25, filled: false), id: "edge-box")
        // Rulers: a tick every 5 mm, long every 10 mm, numbered every 10 mm.
        var mm = 5.0
        while mm < widthMm - 1 {
            let long = mm.truncatingRemainder(dividingBy: 10) == 0
            add(MillimetreRect(x: mm, y: 1, width: 0, height: long ? 4 : 2), .line(thicknessMm: 0.2))
            if long, mm + 4 < widthMm { add(MillimetreRect(x: mm - 3, y: 5.2, width: 6, height: 3), text(String(Int(mm)), size: 5)) }
            mm += 5
        }
        mm = 5
        while mm < heightMm - 1 {
            let long = mm.truncatingRemainder(dividingBy: 10) == 0
            add(MillimetreRect(x: 1, y: mm, width: long ? 4 : 2, height: 0), .line(thicknessMm: 0.2))
            if long, mm + 2 < heightMm { add(MillimetreRect(x: 5.5, y: mm - 1.5, width: 6, height: 3), text(String(Int(mm)), size: 5, align: .left)) }
            mm += 5
        }
        let cx = widthMm / 2
        let cy = heightMm / 2
        add(MillimetreRect(x: cx - 5, y: cy, width: 10, height: 0), .line(thicknessMm: 0.2))
        add(MillimetreRect(x: cx, y: cy - 5, width: 0, height: 10), .line(thicknessMm: 0.2))
        let width = widthMm - 24
        add(MillimetreRect(x: 12, y: 11, width: width, height: 8), text("packd \(version)", size: 14, bold: true), id: "version")
        add(
            MillimetreRect(x: 12, y: 20, width: width, height: 6),
            text("\(dpi) dpi · \(language.uppercased()) · \(LabelTemplate.millimetres(widthMm))x\(LabelTemplate.millimetres(heightMm)) mm", size: 9),
            id: "settings")
        if heightMm >= 50 {
            add(
                MillimetreRect(x: 12, y: cy + 7, width: width, height: min(20, heightMm - cy - 10)),
                .barcode(BarcodeStyle(symbology: .code128, humanReadable: true), FieldTemplate(parts: [.literal(barcodeData)])),
                id: "barcode")
        }
        return LabelTemplate(name: "calibration", description: "packd print --test", widthMm: widthMm, heightMm: heightMm, dpi: dpi, elements: elements)
    }
}
