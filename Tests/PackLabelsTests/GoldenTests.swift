import Foundation
import Testing

@testable import PackLabels

/// The exact ZPL and TSPL of a fixed label at a fixed clock, so that any change
/// in what reaches printers shows as a diff. After an intended change, rewrite
/// them with `PACKD_UPDATE_GOLDENS=1 swift test --filter GoldenTests` and review.
@Suite("Golden ZPL and TSPL")
struct GoldenTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Goldens")

    @Test("waybill-100x150 with a Chinese address", arguments: [LabelFormat.zpl, .tspl])
    func golden(format: LabelFormat) throws {
        let label = try LabelRenderer().render(
            SampleOrders.bundled("waybill-100x150"), data: SampleOrders.data(SampleOrders.chinese), format: format)
        let file = Self.directory.appendingPathComponent("waybill-100x150-chinese.\(format.rawValue)")
        if ProcessInfo.processInfo.environment["PACKD_UPDATE_GOLDENS"] == "1" {
            try Data(label.bytes).write(to: file)
        }
        let golden = try [UInt8](Data(contentsOf: file))
        #expect(label.bytes == golden, "\(file.lastPathComponent) differs: rerun with PACKD_UPDATE_GOLDENS=1 and review the diff")
    }

    @Test("Rendering is deterministic")
    func deterministic() throws {
        let template = try SampleOrders.bundled("waybill-100x150")
        let data = SampleOrders.data(SampleOrders.latin)
        for format in [LabelFormat.zpl, .tspl, .png] {
            let a = try LabelRenderer().render(template, data: data, format: format)
            let b = try LabelRenderer().render(template, data: data, format: format)
            #expect(a.bytes == b.bytes, "\(format)")
        }
    }
}
