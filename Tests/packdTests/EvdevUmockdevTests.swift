import Foundation
import PackTestSupport
import PackCore
import PackTestRequirements
import Testing

/// A keyboard-wedge scanner replayed by umockdev: evemu key events on a mocked
/// /dev/input/event7, read by `packd scans` through evdev with its layout.
@Suite(.offCooperativePool, .timeLimit(.minutes(1))) struct EvdevUmockdevTests {
    static let fixture = Packd.repository.appendingPathComponent("Tests/packdTests/Fixtures/scanner-and-keyboard.umockdev").path
    let dir = TempDirectory()

    /// Key code, Shift, Ctrl, AltGr for each character, as a scanner set to `layout` types it.
    static let us: Evemu.Keys = [
        "A": (30, [42]), "B": (48, [42]), "C": (46, [42]), "Y": (21, [42]), "Z": (44, [42]), "-": (12, []), "/": (53, []),
        ".": (52, []), "0": (11, []), "1": (2, []), "2": (3, []), "3": (4, []), "9": (10, []), "\u{1D}": (27, [29]),
    ]
    static let de: Evemu.Keys = [
        "A": (30, [42]), "B": (48, [42]), "C": (46, [42]), "Y": (44, [42]), "Z": (21, [42]), "-": (53, []), "/": (8, [42]),
        ".": (52, []), "0": (11, []), "1": (2, []), "2": (3, []), "3": (4, []), "9": (10, []),
    ]

    func eventFile(_ codes: [String], layout: Evemu.Keys) -> String {
        dir.file("scan-\(UUID().uuidString).events", Evemu.script(codes, keys: layout))
    }

    func scans(_ node: String, events: String, arguments: [String]) throws -> Packd.Result {
        // umockdev's replay can pause ~100 ms mid-stream, which the default inter-key
        // timeout would take for the end of a code; timeouts have their own unit tests.
        try Packd.runUnderUmockdev(
            ["-d", Self.fixture, "-e", "\(node)=\(events)"],
            ["scans", "--device", node, "--inter-key-timeout", "2000"] + arguments)
    }

    @Test(arguments: ["us", "de"])
    func codesAreDecodedExactlyWithTheScannersLayout(_ layout: String) throws {
        // Capitals, digits, -, /, ., the letters that QWERTZ swaps, and (us) a GS1-style code with GS.
        let expected = layout == "us" ? ["ABC-1/2.3", "YZ-09", "0109\u{1D}10ABC"] : ["ABC-1/2.3", "YZ-09"]
        let file = eventFile(expected, layout: layout == "us" ? Self.us : Self.de)
        let result = try scans("/dev/input/event7", events: file, arguments: ["--layout", layout, "--count", "\(expected.count)", "--timeout", "20"])
        #expect(result.status == 0, "\(result.stderr)")
        let got = try result.lines.map { try JSONParser.parse($0)["code"]?.stringValue ?? "" }
        #expect(got == expected)
        #expect(result.stderr.contains("grabbed, layout \(layout)"))
    }

    @Test func theWrongLayoutGivesOtherCharacters() throws {
        let file = eventFile(["ABC-1/2.3"], layout: Self.de)
        let result = try scans("/dev/input/event7", events: file, arguments: ["--layout", "us", "--count", "1", "--timeout", "20"])
        #expect(result.status == 0)
        #expect(!result.stdout.contains("ABC-1/2.3"))
    }

    @Test func anOrdinaryKeyboardIsNotGrabbed() throws {
        let file = eventFile(["ABC"], layout: Self.us)
        let result = try scans("/dev/input/event8", events: file, arguments: ["--count", "1", "--timeout", "5"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("is not recognised as a scanner, and packd never grabs a keyboard"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }
}
