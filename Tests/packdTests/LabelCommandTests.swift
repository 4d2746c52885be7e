import Foundation
import PackTestSupport
import PackTestRequirements
import Testing

/// `packd label render` and `packd label templates`, run as a user would.
@Suite(.offCooperativePool) struct LabelCommandTests {
    let dir = TempDirectory()
    let at = ["--at", "2026-11-22T09:15:00Z", "--utc-offset", "8"]

    @Test func listsTheBundledTemplates() throws {
        let result = try Packd.run(["label", "templates"])
        #expect(result.status == 0, "\(result.stderr)")
        let names = result.lines.map { $0.split(separator: "\t").prefix(2).joined(separator: " ") }
        #expect(
            names == [
                "sku-60x40 60x40mm", "waybill-100x150 100x150mm", "waybill-100x180 100x180mm", "waybill-76x130 76x130mm",
            ])
    }

    @Test func rendersZPLToStandardOutput() throws {
        let result = try Packd.run(
            ["label", "render", "--order", Packd.sample("orders.json"), "--parcel", "SO-1001-1", "--format", "zpl"] + at)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("^XA\n^CI28\n^PW799\n^LL1199\n"))
        #expect(result.stdout.contains("^FH_^FDYT2412345678901^FS"))
        #expect(result.stdout.hasSuffix("^XZ\n"))
    }

    @Test func writesPNGAndPDFFilesAtTheAskedResolution() throws {
        for (format, magic) in [("png", [0x89, 0x50, 0x4E, 0x47]), ("pdf", [0x25, 0x50, 0x44, 0x46])] as [(String, [UInt8])] {
            let out = dir.sub("label.\(format)")
            let result = try Packd.run(
                ["label", "render", "--order", Packd.sample("orders.json"), "--parcel", "SF1000000002", "--format", format,
                 "--dpi", "300", "-o", out] + at)
            #expect(result.status == 0, "\(result.stderr)")
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: out)))
            #expect(Array(bytes.prefix(4)) == magic)
        }
    }

    @Test func aTemplateFileWithErrorsNamesThemAndWritesNothing() throws {
        let template = dir.file(
            "bad.json",
            #"{"size": {"width": 100, "height": 150}, "elements": [{"type": "circle", "x": 1, "y": 1, "width": 5, "height": 5}, {"type": "barcode", "symbology": "ean13", "data": "{waybill}", "x": 1, "y": 10, "width": 50, "height": 20}]}"#)
        let out = dir.sub("never.zpl")
        let result = try Packd.run(
            ["label", "render", "--order", Packd.sample("orders.json"), "--template", template, "--format", "zpl", "-o", out])
        #expect(result.status == 2)
        #expect(result.stderr.contains("elements[0].type: unknown element type \"circle\""))
        #expect(!FileManager.default.fileExists(atPath: out))
        let ean = dir.file(
            "ean.json",
            #"{"size": {"width": 100, "height": 150}, "elements": [{"type": "barcode", "id": "ean", "symbology": "ean13", "data": "{waybill}", "x": 1, "y": 10, "width": 50, "height": 20}]}"#)
        let data = try Packd.run(["label", "render", "--order", Packd.sample("orders.json"), "--template", ean, "--format", "tspl"])
        #expect(data.status == 2)
        #expect(data.stderr.contains(#"elements[0] "ean": EAN-13 takes digits only"#))
        #expect(data.stdout.isEmpty)
    }

    @Test func configuredTemplatesAddToAndReplaceTheBundledOnes() throws {
        let templates = dir.sub("templates")
        try FileManager.default.createDirectory(atPath: templates, withIntermediateDirectories: true)
        FileManager.default.createFile(
            atPath: templates + "/waybill-100x150.json",
            contents: Data(
                #"{"name": "waybill-100x150", "size": {"width": 100, "height": 150}, "elements": [{"type": "text", "x": 5, "y": 5, "width": 90, "height": 10, "text": "OWN {waybill}"}]}"#
                    .utf8))
        let config = dir.file("packd.toml", "[labels]\ntemplates = \"\(templates)\"\n")
        let list = try Packd.run(["label", "templates", "--config", config])
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.contains("waybill-100x150\t100x150mm\t203 dpi\t1 elements\t\(templates)/waybill-100x150.json"))
        #expect(list.lines.count == 4)
    }

    @Test func aCarrierZPLDocumentPassesThroughAndIsRefusedForTSPL() throws {
        let zpl = "^XA^FO50,50^BCN,100^FDCARRIER123^FS^XZ"
        let order = dir.file(
            "order.json",
            #"{"id": "SO-9", "status": "approved", "lines": [{"sku": "A", "qty": 1}], "parcels": [{"id": "SO-9-1", "waybill": "CARRIER123", "lines": [{"sku": "A", "qty": 1}], "label": {"document": {"format": "zpl", "base64": "\#(Data(zpl.utf8).base64EncodedString())"}}}]}"#)
        let result = try Packd.run(["label", "render", "--order", order, "--format", "zpl"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == zpl)
        let tspl = try Packd.run(["label", "render", "--order", order, "--format", "tspl"])
        #expect(tspl.status == 2)
        #expect(tspl.stderr.contains("can only go to a ZPL printer"))
    }

    @Test func unknownParcelAndBadArguments() throws {
        let parcel = try Packd.run(["label", "render", "--order", Packd.sample("orders.json"), "--parcel", "NOPE", "--format", "zpl"])
        #expect(parcel.status == 2 && parcel.stderr.contains("no parcel NOPE"))
        let format = try Packd.run(["label", "render", "--order", Packd.sample("orders.json"), "--format", "epl"])
        #expect(format.status == 2)
        let dpi = try Packd.run(["label", "render", "--order", Packd.sample("orders.json"), "--format", "zpl", "--dpi", "600"])
        #expect(dpi.status == 2 && dpi.stderr.contains("must be 203 or 300"))
    }
}
