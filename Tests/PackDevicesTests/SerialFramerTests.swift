import PackDevices
import PackTestRequirements
import Testing

@Suite(.offCooperativePool) struct SerialFramerTests {
    static let stream: [UInt8] = Array("ABC-1\r\n/x.Y\r0109501101530003\u{1D}10LOT\nLAST\r\n".utf8)
    static let codes: [SerialFrame] = [.code("ABC-1"), .code("/x.Y"), .code("0109501101530003\u{1D}10LOT"), .code("LAST")]

    /// The same bytes split into chunks of every size give the same codes.
    @Test func chunksOfEverySizeGiveTheSameCodes() {
        for size in 1...Self.stream.count {
            var framer = SerialFramer()
            var frames: [SerialFrame] = []
            var i = 0
            while i < Self.stream.count {
                frames += framer.feed(Self.stream[i..<min(i + size, Self.stream.count)])
                i += size
            }
            #expect(frames == Self.codes, "chunk size \(size)")
        }
    }

    @Test func terminatorsAreConfigurable() {
        var cr = SerialFramer(framing: SerialFraming(terminator: .cr))
        #expect(cr.feed(Array("A\rB\nC\r".utf8)) == [.code("A"), .code("B\nC")])
        var lf = SerialFramer(framing: SerialFraming(terminator: .lf))
        #expect(lf.feed(Array("A\nB\rC\n".utf8)) == [.code("A"), .code("B\rC")])
        var crlf = SerialFramer(framing: SerialFraming(terminator: .crlf))
        #expect(crlf.feed(Array("A\r".utf8)) == [])
        #expect(crlf.feed(Array("\nB\nC\r\n".utf8)) == [.code("A"), .code("B\nC")])
        var etx = SerialFramer(framing: SerialFraming(terminator: .suffix([0x03]), prefix: [0x02]))
        #expect(etx.feed([0x02] + Array("CODE-9".utf8) + [0x03, 0x02] + Array("X".utf8)) == [.code("CODE-9")])
        #expect(etx.feed([0x03]) == [.code("X")])
        var two = SerialFramer(framing: SerialFraming(terminator: .suffix(Array("#$".utf8))))
        #expect(two.feed(Array("AB#".utf8)) + two.feed(Array("$C#D#$".utf8)) == [.code("AB"), .code("C#D")])
    }

    @Test func anOverlongLineIsRefusedAndTheNextCodeDecoded() {
        var framer = SerialFramer()
        var garbage = [UInt8](repeating: UInt8(ascii: "Z"), count: 65_536)
        garbage += Array("\r\nGOOD-1\r\n".utf8)
        #expect(framer.feed(garbage) == [.rejected(.tooLong(bytes: 65_536, limit: 4096)), .code("GOOD-1")])
        var exact = SerialFramer()
        let limit = [UInt8](repeating: UInt8(ascii: "A"), count: 4096)
        #expect(exact.feed(limit + [0x0D]) == [.code(String(repeating: "A", count: 4096))])
    }

    @Test func noiseNulAndInvalidUTF8AreRefused() {
        var framer = SerialFramer()
        #expect(framer.feed(Array("A\u{0}B\r".utf8)) == [.rejected(.nulByte(at: 1))])
        #expect(framer.feed([0x41, 0xFF, 0x42, 0x0D]) == [.rejected(.invalidUTF8(at: 1))])
        #expect(framer.feed(Array("\r\n\r\n".utf8)) == [])
        #expect(framer.feed(Array("条码-1\r".utf8)) == [.code("条码-1")])
        var rng = SystemRandomNumberGenerator()
        var noisy = SerialFramer()
        let noise = (0..<10_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        _ = noisy.feed(noise)
        #expect(noisy.feed(Array("\rAFTER-NOISE\r".utf8)).last == .code("AFTER-NOISE"))
    }
}
