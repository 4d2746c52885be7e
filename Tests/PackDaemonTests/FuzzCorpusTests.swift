import Foundation
import PackFuzzTargets
import PackTestRequirements
import Testing

/// Every fuzz target's seed corpus and every input a fuzzer once crashed on
/// (Fuzz/regressions) run through the target in the ordinary test build: a crash
/// fixed stays fixed, and the seeds stay valid inputs.
@Suite(.offCooperativePool) struct FuzzCorpusTests {
    static let fuzz = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz")

    static func files(_ kind: String, _ target: FuzzTarget) -> [String] {
        let directory = fuzz.appendingPathComponent("\(kind)/\(target.rawValue)").path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.sorted().map { "\(directory)/\($0)" }
    }

    @Test(arguments: FuzzTarget.allCases)
    func theSeedCorpusAndTheRegressionsRun(_ target: FuzzTarget) throws {
        let seeds = Self.files("corpus", target)
        #expect(!seeds.isEmpty, "no seed corpus for \(target.rawValue)")
        for path in seeds + Self.files("regressions", target) {
            target.run([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
        }
    }

    @Test func scriptsFuzzListsEveryTarget() throws {
        let script = try String(contentsOf: Self.fuzz.deletingLastPathComponent().appendingPathComponent("scripts/fuzz.sh"), encoding: .utf8)
        let line = try #require(script.split(separator: "\n").first { $0.hasPrefix("targets=(") })
        #expect(line == "targets=(\(FuzzTarget.allCases.map(\.rawValue).joined(separator: " ")))")
    }
}
