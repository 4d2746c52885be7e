import PackPrint
import PackTestRequirements
import Testing

/// printer-state and printer-state-reasons turned into what a packer can fix.
@Suite(.offCooperativePool) struct PrinterStatusTests {
    @Test(arguments: [
        (["media-empty-error"], PrinterCondition.outOfPaper),
        (["media-needed"], .outOfPaper),
        (["media-jam-error"], .paperJam),
        (["door-open-warning"], .doorOpen),
        (["cover-open"], .doorOpen),
        (["offline-report"], .offline),
        (["connecting-to-device"], .offline),
        (["paused"], .paused),
        (["marker-waste-full-error"], .other("marker-waste-full")),
    ])
    func reasons(_ reasons: [String], _ expected: PrinterCondition) {
        #expect(PrinterStatus(name: "p", state: .processing, reasons: reasons).conditions == [expected])
    }

    @Test func readyWarningsAndStates() {
        #expect(PrinterStatus(name: "p", state: .idle).conditions.isEmpty)
        #expect(PrinterStatus(name: "p", state: .idle, reasons: ["media-low-warning", "toner-low"]).conditions.isEmpty)
        #expect(PrinterStatus(name: "p", state: .stopped).conditions == [.paused])
        let unreachable = PrinterStatus(
            name: "p", state: .processing, message: "The printer may not exist or is unavailable at this time.")
        #expect(unreachable.conditions == [.offline])
        #expect(PrinterCondition.outOfPaper.description == "out of labels")
    }

    @Test func languagesByQueueKind() {
        #expect(PrinterStatus(name: "p", state: .idle, makeAndModel: "Local Raw Printer").languages == ["zpl", "tspl"])
        let everywhere = PrinterStatus(name: "p", state: .idle, makeAndModel: "ippeveprinter", formats: ["application/pdf", "image/pwg-raster"])
        #expect(everywhere.languages == ["pdf"] && !everywhere.isRaw)
        let lprint = PrinterStatus(name: "p", state: .idle, makeAndModel: "LPrint", formats: ["application/vnd.zebra-zpl", "image/png"])
        #expect(lprint.languages == ["zpl", "png"])
    }
}
