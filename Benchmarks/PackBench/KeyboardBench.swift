import PackDevices

/// Keyboard-wedge decoding: key events to codes through libxkbcommon, beside a
/// fixed US lookup table (what a layout-blind bridge does).
enum KeyboardBench {
    struct Result {
        var codesPerSecond: Double
        var tableCodesPerSecond: Double
    }

    // Key codes of linux/input-event-codes.h for the characters of a waybill.
    static let keys: [Character: (shift: Bool, code: UInt16)] = [
        "Y": (true, 21), "T": (true, 20), "0": (false, 11), "1": (false, 2), "2": (false, 3), "3": (false, 4),
        "4": (false, 5), "5": (false, 6), "6": (false, 7), "7": (false, 8), "8": (false, 9), "9": (false, 10),
        "-": (false, 12),
    ]

    static func run(codes: Int = 20_000) throws -> Result {
        var events: [(UInt16, Int32)] = []
        for i in 0..<codes {
            for ch in "YT24-\(100_000_000 + i)" {
                let k = keys[ch]!
                if k.shift { events.append((42, 1)) }
                events += [(k.code, 1), (k.code, 0)]
                if k.shift { events.append((42, 0)) }
            }
            events += [(28, 1), (28, 0)]
        }
        let decoder = try KeymapDecoder(layout: "us")
        var assembler = KeyScanAssembler()
        var decoded = 0
        let t0 = now()
        for (i, (code, value)) in events.enumerated() {
            decoded += assembler.feed(decoder.feed(code: code, value: value), atMs: Int64(i / 1000)).count
        }
        let ns = now() - t0
        precondition(decoded == codes)

        // Layout-blind table: evdev code -> character, Shift by hand.
        var table: [UInt16: (Character, Character)] = [:]
        for (ch, k) in keys { table[k.code] = k.shift ? (ch, ch) : (ch, ch) }
        var shift = false
        var text = ""
        var tableDecoded = 0
        let t1 = now()
        for (code, value) in events {
            if code == 42 { shift = value != 0; continue }
            guard value == 1 else { continue }
            if code == 28 {
                tableDecoded += text.isEmpty ? 0 : 1
                text = ""
            } else if let c = table[code] {
                text.append(shift ? c.1 : c.0)
            }
        }
        let tableNs = now() - t1
        precondition(tableDecoded == codes)
        return Result(
            codesPerSecond: Double(codes) / (Double(ns) / 1e9), tableCodesPerSecond: Double(codes) / (Double(tableNs) / 1e9))
    }
}
