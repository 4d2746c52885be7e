import Foundation
import Glibc
import PackCore
import PackDevices
import PackTestSupport

/// Serial scanners: how fast the framer cuts codes, and how long a code takes from
/// its terminator reaching the tty to the `Scan` reaching the consumer.
enum SerialBench {
    struct Result {
        var framerCodesPerSecond: Double
        var naiveCodesPerSecond: Double
        var latency: Samples
        var rawLatency: Samples
    }

    static func run(codes: Int = 2000) async throws -> Result {
        // Framer throughput over a realistic stream: 13-40 byte codes, CR LF.
        var stream: [UInt8] = []
        for i in 0..<100_000 {
            stream += Array((i % 3 == 0 ? "]C10109501101530003\u{1D}10LOT\(i)" : "YT24123\(i)").utf8) + [0x0D, 0x0A]
        }
        var framer = SerialFramer()
        let t0 = now()
        var count = 0
        var i = 0
        while i < stream.count {
            count += framer.feed(stream[i..<min(i + 64, stream.count)]).count
            i += 64
        }
        let framerNs = now() - t0
        // The naive way: accumulate text, split it on line ends each read.
        let t1 = now()
        var pending = ""
        var naiveCount = 0
        i = 0
        while i < stream.count {
            pending += String(decoding: stream[i..<min(i + 64, stream.count)], as: UTF8.self)
            var parts = pending.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\r\n" || $0 == "\r" || $0 == "\n" })
            pending = String(parts.removeLast())
            naiveCount += parts.filter { !$0.isEmpty }.count
            i += 64
        }
        let naiveNs = now() - t1
        precondition(count == 100_000 && naiveCount == 100_000, "framer \(count), naive \(naiveCount)")

        return Result(
            framerCodesPerSecond: Double(count) / (Double(framerNs) / 1e9),
            naiveCodesPerSecond: Double(naiveCount) / (Double(naiveNs) / 1e9),
            latency: try await readerLatency(codes: codes), rawLatency: try rawLatency(codes: codes))
    }

    /// Terminator written to the pty master -> `.scan` event received.
    static func readerLatency(codes: Int) async throws -> Samples {
        let pty = try PseudoTerminal()
        let reader = SerialScannerReader.make(device: "bench", path: pty.slavePath, settings: SerialSettings(baud: 115_200))
        reader.start()
        defer { reader.stop() }
        var events = reader.events.makeAsyncIterator()
        guard case .opened? = await events.next() else { fatalError("the reader did not open the pty") }
        var samples = Samples(capacity: codes)
        for i in 0..<codes {
            pty.send("CODE-\(i)")
            let sent = now()
            pty.send([0x0D])
            guard case .scan(let scan)? = await events.next() else { fatalError("no scan") }
            samples.add(now() - sent)
            precondition(scan.code == "CODE-\(i)")
        }
        return samples
    }

    /// The floor: the same bytes read from the tty by a bare blocking read loop.
    static func rawLatency(codes: Int) throws -> Samples {
        let pty = try PseudoTerminal()
        let fd = open(pty.slavePath, O_RDWR | O_NOCTTY)
        precondition(fd >= 0)
        defer { close(fd) }
        var t = termios()
        tcgetattr(fd, &t)
        cfmakeraw(&t)
        tcsetattr(fd, TCSANOW, &t)
        var samples = Samples(capacity: codes)
        var buffer = [UInt8](repeating: 0, count: 256)
        for i in 0..<codes {
            pty.send("CODE-\(i)")
            let sent = now()
            pty.send([0x0D])
            var got = 0
            while true {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                precondition(n > 0)
                got += n
                if buffer[n - 1] == 0x0D { break }
            }
            samples.add(now() - sent)
            _ = got
        }
        return samples
    }
}
