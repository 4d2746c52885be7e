import Foundation

/// evemu event lines (what umockdev replays on a mocked input node) for a scanner
/// typing codes, each followed by Enter.
enum Evemu {
    /// For each character: its key code and the modifiers held for it.
    typealias Keys = [Character: (code: UInt16, modifiers: [UInt16])]

    static func script(_ codes: [String], keys: Keys, pauseBefore: Int? = nil, pause: Double = 1.5) -> String {
        var lines: [String] = []
        var t = 0.0
        func key(_ code: UInt16, _ value: Int) {
            t += 0.002
            lines.append(String(format: "E: %.6f 0001 %04x %04d", t, code, value))
            lines.append(String(format: "E: %.6f 0000 0000 0000", t))
        }
        for (i, code) in codes.enumerated() {
            if i == pauseBefore { t += pause }
            for ch in code {
                let (k, mods) = keys[ch]!
                for m in mods { key(m, 1) }
                key(k, 1)
                key(k, 0)
                for m in mods.reversed() { key(m, 0) }
            }
            key(28, 1)
            key(28, 0)
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
