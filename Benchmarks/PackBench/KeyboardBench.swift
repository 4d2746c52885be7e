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

import CPackdLinux
import Foundation
import Glibc

/// Enter pressed (its input_event written to a FIFO standing in for the event node)
/// to the `Scan` reaching an async consumer, beside a bare read of the same bytes.
enum EvdevLatencyBench {
    static func record(_ code: UInt16, _ value: Int32) -> [UInt8] {
        var e = input_event()
        e.type = UInt16(EV_KEY)
        e.code = code
        e.value = value
        var sync = input_event()
        var bytes: [UInt8] = []
        withUnsafeBytes(of: &e) { bytes += $0 }
        withUnsafeBytes(of: &sync) { bytes += $0 }
        return bytes
    }

    static func fifo() -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("packd-bench-\(UUID().uuidString)").path
        mkfifo(path, 0o600)
        return path
    }

    static func run(codes: Int = 2000) async throws -> (packd: Samples, bare: Samples) {
        let digits: [UInt16] = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11]
        var body: [UInt8] = []
        for d in digits { body += record(d, 1) + record(d, 0) }
        let enter = record(28, 1)
        let release = record(28, 0)

        let path = fifo()
        defer { unlink(path) }
        let reader = try EvdevScannerReader.make(device: "bench", path: path, grab: false, interKeyTimeoutMs: 1000)
        reader.start()
        defer { reader.stop() }
        var events = reader.events.makeAsyncIterator()
        guard case .opened? = await events.next() else { fatalError("the reader did not open the FIFO") }
        let writer = open(path, O_WRONLY)
        var packd = Samples(capacity: codes)
        for _ in 0..<codes {
            _ = body.withUnsafeBytes { write(writer, $0.baseAddress, $0.count) }
            let sent = now()
            _ = enter.withUnsafeBytes { write(writer, $0.baseAddress, $0.count) }
            guard case .scan? = await events.next() else { fatalError("no scan") }
            packd.add(now() - sent)
            _ = release.withUnsafeBytes { write(writer, $0.baseAddress, $0.count) }
        }
        close(writer)

        // The floor: a blocking read of the same records.
        let path2 = fifo()
        defer { unlink(path2) }
        var bare = Samples(capacity: codes)
        let readerFd = UncheckedFd()
        let opened = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            readerFd.fd = open(path2, O_RDONLY)
            opened.signal()
        }
        let w2 = open(path2, O_WRONLY)
        opened.wait()
        var buffer = [UInt8](repeating: 0, count: 4096)
        for _ in 0..<codes {
            _ = body.withUnsafeBytes { write(w2, $0.baseAddress, $0.count) }
            _ = buffer.withUnsafeMutableBytes { read(readerFd.fd, $0.baseAddress, $0.count) }
            let sent = now()
            _ = enter.withUnsafeBytes { write(w2, $0.baseAddress, $0.count) }
            _ = buffer.withUnsafeMutableBytes { read(readerFd.fd, $0.baseAddress, $0.count) }
            bare.add(now() - sent)
        }
        close(w2)
        close(readerFd.fd)
        return (packd, bare)
    }
}

final class UncheckedFd: @unchecked Sendable { var fd: Int32 = -1 }
