import Foundation
import PackCore
import Testing

/// docs/limits.md shows the limits the code applies, each with its value.
@Suite struct InputLimitsDocumentTests {
    @Test func theDocumentListsEveryLimitWithItsValue() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/limits.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        let rows = text.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| name") }
        let documented = rows.map { row -> String in
            let cells = row.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            return "\(cells[0]) \(cells[1]) \(cells[2])"
        }
        #expect(documented == InputLimits.all.map { "\($0.name) \($0.value) \($0.unit)" })
    }
}
