import PackCore
import Testing

@testable import PackLabels

/// Bad templates, data and documents: a precise error naming the element or
/// field, never a crash, never a label handed on.
@Suite("Bad input")
struct BadInputTests {
    func decode(_ json: String) -> LabelError? {
        do {
            _ = try TemplateDecoder().decode(Array(json.utf8), fallbackName: "t")
            return nil
        } catch {
            return error
        }
    }

    func template(_ elements: String) -> String {
        #"{"size": {"width": 100, "height": 150}, "elements": [\#(elements)]}"#
    }

    @Test func unknownElementType() throws {
        let error = try #require(decode(template(#"{"type": "circle", "x": 1, "y": 1, "width": 5, "height": 5}"#)))
        #expect(error.problems.map(\.subject) == ["elements[0].type"])
        #expect(error.description.contains("unknown element type \"circle\"; known: barcode, box, image, line, text"))
    }

    @Test func misspeltKeyAndUnknownField() throws {
        let error = try #require(
            decode(
                template(
                    #"{"type": "text", "x": 1, "y": 1, "width": 50, "height": 5, "text": "{recipient.nmae}", "szie": 9}"#)))
        #expect(Set(error.problems.map(\.subject)) == ["elements[0].szie", "elements[0].text"])
        #expect(error.description.contains("unknown field {recipient.nmae}"))
    }

    @Test func elementOutsideTheLabelAndBadValues() throws {
        let error = try #require(
            decode(
                #"{"size": {"width": 100, "height": 150}, "dpi": 600, "elements": [{"type": "box", "x": 90, "y": 1, "width": 20, "height": 5}, {"type": "text", "x": 1, "y": 1, "width": 5, "height": 5, "text": "a", "rotation": 45}]}"#
            ))
        #expect(Set(error.problems.map(\.subject)) == ["dpi", "elements[0]", "elements[1].rotation"])
        #expect(error.description.contains("beyond the label's right edge"))
    }

    @Test func notJSON() throws {
        let error = try #require(decode("{\"size\": "))
        #expect(error.problems.first?.subject == "template")
    }

    func render(_ elements: [LabelElement], data: [String: String] = [:], format: LabelFormat = .png) -> LabelError? {
        let t = LabelTemplate(name: "t", widthMm: 100, heightMm: 150, elements: elements)
        do {
            _ = try LabelRenderer().render(t, data: LabelData(values: data), format: format)
            return nil
        } catch {
            return error
        }
    }

    func element(_ id: String, _ content: LabelElement.Content, width: Double = 60, height: Double = 20) -> LabelElement {
        LabelElement(path: "elements[0]", id: id, frame: MillimetreRect(x: 5, y: 5, width: width, height: height), content: content)
    }

    @Test("Letters in EAN-13 name the element, in every format", arguments: LabelFormat.allCases)
    func lettersInEAN13(format: LabelFormat) throws {
        let ean = element("ean", .barcode(BarcodeStyle(symbology: .ean13), try FieldTemplate(parsing: "{fields.ean}")))
        let error = try #require(render([ean], data: ["fields.ean": "69012345ABCD"], format: format))
        #expect(error.problems.first?.subject == #"elements[0] "ean""#)
        #expect(error.description.contains("EAN-13 takes digits only"))
    }

    @Test func wrongCheckDigitAndEmptyData() throws {
        let ean = element("ean", .barcode(BarcodeStyle(symbology: .ean13), try FieldTemplate(parsing: "{fields.ean}")))
        #expect(try #require(render([ean], data: ["fields.ean": "6901234567890"])).description.contains("ean"))
        let empty = try #require(render([ean], data: [:]))
        #expect(empty.description.contains("has no data to encode"))
    }

    @Test func barcodeTooLargeForItsBox() throws {
        let code = element("waybill", .barcode(BarcodeStyle(symbology: .code128), try FieldTemplate(parsing: "{waybill}")), width: 20)
        let error = try #require(render([code], data: ["waybill": String(repeating: "YT2412345678901", count: 4)]))
        #expect(error.description.contains(#"elements[0] "waybill""#))
        #expect(error.description.contains("make it larger or the data shorter"))
    }

    @Test func textThatCannotFit() throws {
        // Not even one line at the smallest size fits the box: the template is wrong.
        let shrink = element(
            "recipient", .text(TextStyle(size: 20, minSize: 14, fit: .shrink), try FieldTemplate(parsing: "{recipient.name}")),
            width: 30, height: 3)
        let error = try #require(render([shrink], data: ["recipient.name": "张伟"]))
        #expect(error.description.contains(#"elements[0] "recipient""#))
        #expect(error.description.contains("text does not fit: one line at 14.0 pt"))
        let oneLine = element("remark", .text(TextStyle(size: 30), try FieldTemplate(parsing: "{remark}")), height: 3)
        let tooShort = try #require(render([oneLine], data: ["remark": "gift wrap"]))
        #expect(tooShort.description.contains("make the box taller or the text smaller"))
    }

    @Test func longTextShrinksThenIsCut() throws {
        let shrink = element(
            "recipient", .text(TextStyle(size: 20, minSize: 8, fit: .shrink), try FieldTemplate(parsing: "{recipient.name}")),
            width: 30, height: 8)
        #expect(render([shrink], data: ["recipient.name": String(repeating: "张伟 ", count: 400)]) == nil)
    }

    @Test func missingFont() throws {
        let text = element("name", .text(TextStyle(font: "No Such Font Sans"), try FieldTemplate(parsing: "{recipient.name}")))
        let error = try #require(render([text], data: ["recipient.name": "张伟"]))
        #expect(error.description.contains(#"font "No Such Font Sans" is not installed"#))
    }

    @Test func lettersNoFontCanWrite() throws {
        let text = element("name", .text(TextStyle(), try FieldTemplate(parsing: "{recipient.name}")))
        // Egyptian hieroglyphs: letters (Lo) that no font packd depends on has.
        let error = try #require(render([text], data: ["recipient.name": "Ann \u{13000}"]))
        #expect(error.description.contains("no installed font can write U+13000"))
    }

    @Test func corruptImage() throws {
        let image = element("logo", .image(LabelImage(png: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3])))
        #expect(try #require(render([image])).description.contains(#"elements[0] "logo": the image is corrupt or not a PNG"#))
    }

    @Test func unsupportedResolution() throws {
        let t = try SampleOrders.bundled("waybill-100x150")
        #expect(throws: LabelError.self) { try LabelRenderer().render(t, data: LabelData(), format: .zpl, dpi: 600) }
    }
}
