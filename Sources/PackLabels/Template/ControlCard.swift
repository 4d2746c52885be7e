/// A station's control code (acknowledge, cancel, reprint) as a Code 128 card for
/// the display's printable sheet: scanned from paper like any other code.
public enum ControlCard {
    public static func template(code: String, widthMm: Double = 70, heightMm: Double = 22) -> LabelTemplate {
        let element = LabelElement(
            path: "elements[0]", id: "code", frame: MillimetreRect(x: 3, y: 2, width: widthMm - 6, height: heightMm - 4),
            content: .barcode(BarcodeStyle(symbology: .code128, humanReadable: true), FieldTemplate(parts: [.literal(code)])))
        return LabelTemplate(
            name: "control-card", description: "a station control code", widthMm: widthMm, heightMm: heightMm, dpi: 203,
            elements: [element])
    }
}
