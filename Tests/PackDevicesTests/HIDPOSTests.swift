import Foundation
import PackTestSupport
import Glibc
@testable import PackDevices
import PackTestRequirements
import Testing

/// 64-byte Scanned Data reports as a HID POS scanner sends them.
func hidposReports(_ code: String, aim: String = "]C0") -> [[UInt8]] {
    let data = Array(code.utf8)
    var reports: [[UInt8]] = []
    var offset = 0
    repeat {
        let chunk = Array(data[offset..<min(offset + 56, data.count)])
        offset += chunk.count
        var r = [UInt8](repeating: 0, count: 64)
        r[0] = 2
        r[1] = UInt8(chunk.count)
        for (i, b) in aim.utf8.prefix(3).enumerated() { r[2 + i] = b }
        for (i, b) in chunk.enumerated() { r[5 + i] = b }
        r[63] = offset < data.count ? 1 : 0
        reports.append(r)
    } while offset < data.count
    return reports
}

@Suite(.offCooperativePool) struct HIDPOSDecoderTests {
    func decode(_ reports: [[UInt8]]) -> [HIDPOSDecoder.Result] {
        var d = HIDPOSDecoder()
        return reports.compactMap { d.feed($0[...]) }
    }

    @Test func aReportGivesTheCodeWithItsSymbology() {
        #expect(decode(hidposReports("ABC-1/2.3")) == [.code("]C0ABC-1/2.3", symbology: "code128")])
        #expect(decode(hidposReports("0109501101530003\u{1D}10LOT", aim: "]C1")) == [
            .code("]C10109501101530003\u{1D}10LOT", symbology: "gs1-128")
        ])
    }

    @Test func aLongCodeContinuesAcrossReports() {
        let long = String(repeating: "M1GATHERGOOD/MICHAEL", count: 3)  // 60 bytes: two reports
        let reports = hidposReports(long, aim: "]Q0")
        #expect(reports.count == 2)
        #expect(reports[0][63] == 1)
        #expect(decode(reports) == [.code("]Q0" + long, symbology: "qr")])
    }

    @Test func badReportsAreRefusedAndTheNextCodeRead() {
        var bad = [UInt8](repeating: 0, count: 64)
        bad[0] = 2
        bad[1] = 90
        var other = [UInt8](repeating: 0x41, count: 64)
        other[0] = 1  // not a scanned-data report: ignored
        var nul = hidposReports("AB")[0]
        nul[5] = 0
        let results = decode([bad, other, nul] + hidposReports("OK-7"))
        #expect(results == [
            .rejected(.badReport(length: 90, size: 64)), .rejected(.nulByte(at: 0)), .code("]C0OK-7", symbology: "code128"),
        ])
    }
}

@Suite(.offCooperativePool, .timeLimit(.minutes(3))) struct HIDPOSReaderTests {
    @Test func reportsFromTheNodeBecomeScans() async throws {
        let temp = TempDirectory("hidraw")
        let dir = temp.path
        let path = dir + "/hidraw0"
        mkfifo(path, 0o600)
        let reader = HIDPOSScannerReader.make(device: "pos-1", path: path)
        let log = EventCollector()
        log.collect(from: reader)
        reader.start()
        defer { reader.stop() }
        #expect(await log.wait { $0.contains { $0.isOpened } })
        let writer = open(path, O_WRONLY)
        defer { close(writer) }
        for report in hidposReports("6901234567892", aim: "]E0") + hidposReports(String(repeating: "X", count: 70)) {
            _ = report.withUnsafeBytes { write(writer, $0.baseAddress, $0.count) }
        }
        #expect(await log.wait { $0.filter { if case .scan = $0 { true } else { false } }.count == 2 })
        let scans = await log.events.compactMap { if case .scan(let s) = $0 { s } else { nil } }
        #expect(scans.map(\.code) == ["]E06901234567892", "]C0" + String(repeating: "X", count: 70)])
        #expect(scans.map(\.symbology) == ["ean-upc", "code128"])
    }
}

@Suite(.offCooperativePool) struct HIDReportDescriptorTests {
    @Test func theBarcodeScannerUsagePageIsFound() {
        // Usage Page (Generic Desktop), Usage (Keyboard) ... then Usage Page (0x8C), 1- and 2-byte forms.
        #expect(HIDReportDescriptor.declaresBarcodeScanner([0x05, 0x01, 0x09, 0x06, 0xA1, 0x01, 0x05, 0x8C, 0x09, 0x02]))
        #expect(HIDReportDescriptor.declaresBarcodeScanner([0x06, 0x8C, 0x00, 0x09, 0x02]))
        // A keyboard: no scanner page; a data byte 0x8C that is not a usage page does not count.
        #expect(!HIDReportDescriptor.declaresBarcodeScanner([0x05, 0x01, 0x09, 0x06, 0xA1, 0x01, 0x15, 0x8C, 0xC0]))
        #expect(!HIDReportDescriptor.declaresBarcodeScanner([0x05]))
    }
}
