import Foundation
import PackTestSupport

@testable import PackLabels

/// Turns a TSPL job back into an image, as no independent TSPL renderer exists:
/// BITMAP payloads are copied dot for dot (a 0 bit is black), and BARCODE/QRCODE
/// commands are drawn from the modules the zint command-line tool dumps for their
/// data. Any command this reader does not know fails the test: that is how an
/// injected command would show.
struct TSPLReader {
    var commands: [String] = []
    var widthMm = 0.0
    var heightMm = 0.0
    var image = Bitmap(width: 1, height: 1)
    var printCount = 0

    static let known: Set<String> = [
        "SIZE", "GAP", "DIRECTION", "REFERENCE", "DENSITY", "SPEED", "CLS", "BITMAP", "BARCODE", "QRCODE", "BAR", "BOX",
        "PRINT",
    ]

    init(_ bytes: [UInt8], dpi: Int) throws {
        var i = 0
        func fail(_ message: String) -> DecoderError { DecoderError(message: "TSPL byte \(i): \(message)") }
        while i < bytes.count {
            guard let end = Self.find([0x0D, 0x0A], in: bytes, from: i) else { throw fail("a command without CR LF") }
            var line = String(decoding: bytes[i..<end], as: UTF8.self)
            let name = String(line.prefix { $0 != " " })
            guard Self.known.contains(name) else { throw fail("unknown command \"\(line.prefix(40))\"") }
            commands.append(name)
            if name == "BITMAP" {
                // The header ends at the fifth comma; the payload follows.
                var commas = 0
                var headerEnd = i
                while commas < 5 {
                    guard headerEnd < bytes.count else { throw fail("a short BITMAP header") }
                    if bytes[headerEnd] == UInt8(ascii: ",") { commas += 1 }
                    headerEnd += 1
                }
                let fields = String(decoding: bytes[i..<(headerEnd - 1)], as: UTF8.self).dropFirst("BITMAP ".count)
                    .split(separator: ",").map { Int($0)! }
                let (x, y, widthBytes, height) = (fields[0], fields[1], fields[2], fields[3])
                let payloadEnd = headerEnd + widthBytes * height
                guard payloadEnd + 2 <= bytes.count, bytes[payloadEnd] == 0x0D, bytes[payloadEnd + 1] == 0x0A else {
                    throw fail("a BITMAP payload that does not end where its size says")
                }
                for row in 0..<height {
                    for column in 0..<(widthBytes * 8) {
                        let byte = bytes[headerEnd + row * widthBytes + column / 8]
                        if byte & (0x80 >> UInt8(column % 8)) == 0 { image.setInk(x: x + column, y: y + row) }
                    }
                }
                i = payloadEnd + 2
                continue
            }
            line = String(line.dropFirst(name.count)).trimmingCharacters(in: .whitespaces)
            let args = Self.arguments(line)
            switch name {
            case "SIZE":
                widthMm = Double(args[0].replacingOccurrences(of: " mm", with: ""))!
                heightMm = Double(args[1].replacingOccurrences(of: " mm", with: ""))!
                let geometry = DotGeometry(dpi: dpi)
                image = Bitmap(width: geometry.dots(widthMm), height: geometry.dots(heightMm))
            case "BARCODE":
                guard args[2] == "128M", args[8].hasPrefix("!104") else { throw fail("unexpected barcode \(line)") }
                let rows = try Self.zintModules(symbology: "60", data: String(args[8].dropFirst(4)), extra: [])
                draw(rows, x: Int(args[0])!, y: Int(args[1])!, module: Int(args[6])!, rowHeight: Int(args[3])!)
            case "QRCODE":
                let level = ["L": "1", "M": "2", "Q": "3", "H": "4"][args[2]]!
                let rows = try Self.zintModules(symbology: "58", data: args[7], extra: ["--secure=\(level)"])
                let cell = Int(args[3])!
                draw(rows, x: Int(args[0])!, y: Int(args[1])!, module: cell, rowHeight: cell)
            case "BAR":
                let n = args.map { Int($0)! }
                fill(x: n[0], y: n[1], width: n[2], height: n[3])
            case "BOX":
                let n = args.map { Int($0)! }
                let (x, y, t) = (n[0], n[1], n[4])
                let (w, h) = (n[2] - x, n[3] - y)
                fill(x: x, y: y, width: w, height: t)
                fill(x: x, y: y + h - t, width: w, height: t)
                fill(x: x, y: y, width: t, height: h)
                fill(x: x + w - t, y: y, width: t, height: h)
            case "PRINT":
                printCount += 1
            default:
                break
            }
            i = end + 2
        }
    }

    var png: [UInt8] { get throws { try PNGEncoder.encode(image) } }

    private mutating func fill(x: Int, y: Int, width: Int, height: Int) {
        for dy in 0..<height { for dx in 0..<width { image.setInk(x: x + dx, y: y + dy) } }
    }

    private mutating func draw(_ rows: [[Bool]], x: Int, y: Int, module: Int, rowHeight: Int) {
        for (r, row) in rows.enumerated() {
            for (c, dark) in row.enumerated() where dark {
                for dy in 0..<rowHeight {
                    for dx in 0..<module { image.setInk(x: x + c * module + dx, y: y + r * rowHeight + dy) }
                }
            }
        }
    }

    /// `zint --dump` prints each row of modules as hex digits (in pairs), four
    /// modules a digit, first module in the most significant bit.
    static func zintModules(symbology: String, data: String, extra: [String]) throws -> [[Bool]] {
        let result = try ExternalTool.run("zint", ["-b", symbology, "--dump", "--data=\(data)"] + extra)
        guard result.status == 0 else { throw DecoderError(message: "zint failed: \(result.stderr)") }
        return result.text.split(separator: "\n").map { row in
            row.filter { $0 != " " }.flatMap { digit -> [Bool] in
                let nibble = UInt8(String(digit), radix: 16)!
                return (0..<4).map { nibble & (0x8 >> UInt8($0)) != 0 }
            }
        }
    }

    /// Comma-separated arguments; quoted ones lose their quotes.
    static func arguments(_ text: String) -> [String] {
        var out: [String] = []
        var current = ""
        var quoted = false
        for c in text {
            if c == "\"" {
                quoted.toggle()
            } else if c == ",", !quoted {
                out.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        out.append(current)
        return out
    }

    static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        var i = start
        while i + needle.count <= bytes.count {
            if bytes[i] == needle[0], Array(bytes[i..<(i + needle.count)]) == needle { return i }
            i += 1
        }
        return nil
    }
}
