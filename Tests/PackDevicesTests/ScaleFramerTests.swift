import PackCore
@testable import PackDevices
import PackTestRequirements
import Testing

/// Every frame fed whole, then split at every byte boundary, then a byte at a
/// time: a framer must give the same frames however read(2) cut the stream.
func framed<F: ScaleFramer>(_ make: @autoclosure () -> F, _ text: String) -> [ScaleFrame] {
    framed(make(), Array(text.utf8))
}

func framed<F: ScaleFramer>(_ make: @autoclosure () -> F, _ bytes: [UInt8]) -> [ScaleFrame] {
    var whole = make()
    let expected = whole.feed(bytes)
    for split in 0...bytes.count {
        var framer = make()
        let frames = framer.feed(bytes[..<split]) + framer.feed(bytes[split...])
        #expect(frames == expected, "split at byte \(split) of \(bytes.count)")
    }
    var framer = make()
    #expect(bytes.flatMap { framer.feed([$0]) } == expected, "a byte at a time")
    return expected
}

func weight(_ grams: Int, _ stability: ScaleSample.Stability) -> ScaleFrame {
    .sample(ScaleSample(grams: grams, stability: stability))
}

@Suite(.offCooperativePool) struct ScaleDecimalTests {
    @Test func scaleTextIsReadExactlyAndConvertedToWholeGrams() throws {
        func grams(_ text: String, _ unit: WeightUnit) -> Int? { ScaleDecimal(Array(text.utf8)).flatMap(unit.grams) }
        #expect(grams("+  1.234", .kilogram) == 1234)
        #expect(grams("-0012.5", .gram) == -13)  // half away from zero
        #expect(grams("0.5", .gram) == 1)
        #expect(grams("0.1", .pound) == 45)  // 45.359237
        #expect(grams("2.5", .pound) == 1134)  // 1133.98
        #expect(grams("10.0", .ounce) == 283)  // 283.495
        #expect(grams("1", .ounce) == 28)
        #expect(grams("1234", .milligram) == 1)
        #expect(grams("5", .carat) == 1)
        #expect(grams("  0.000", .kilogram) == 0)
        #expect(grams("-0.000", .kilogram) == 0)
        // Not numbers a scale prints, or beyond any scale: refused, never a guess.
        for text in ["", "+", " . ", "1.2.3", "1-", "1e5", "12 34", "--1", "0x10", "99999999999", "1.0000000001", "0.00000000000000000000000000001"] {
            #expect(grams(text, .kilogram) == nil, "\(text)")
        }
        #expect(grams("100001", .kilogram) == nil)  // over 100 t
        #expect(grams("100000", .kilogram) == 100_000_000)
    }

    @Test func unitsAreReadAsScalesWriteThem() {
        #expect(WeightUnit(scaleText: "KG") == .kilogram)
        #expect(WeightUnit(scaleText: "lbs") == .pound)
        #expect(WeightUnit(scaleText: "g") == .gram)
        #expect(WeightUnit(scaleText: "stone") == nil)
    }
}

@Suite(.offCooperativePool) struct MTSICSFramerTests {
    @Test func answersToWeighZeroAndTare() {
        let stream = """
            S S      1.234 kg\r\nS D      1.230 kg\r\nS S    100.00 g\r\nS S     -12.5 g\r\n\
            S +\r\nS -\r\nS I\r\nZ A\r\nZ I\r\nT S      0.020 kg\r\nES\r\nS S     2.5 lb\r\n\
            S S     2:04.5 lb:oz\r\nS S 1:0.00000000000000000000000000001 lb:oz\r\nI4 A "0123456789"\r\n
            """
        #expect(framed(MTSICSFramer(), stream) == [
            weight(1234, .stable), weight(1230, .motion), weight(100, .stable), weight(-13, .stable),
            weight(0, .overload), weight(0, .underload), .answer(.refused), .answer(.zeroed), .answer(.refused),
            .answer(.tared), .answer(.refused), weight(1134, .stable),
            weight(1035, .stable),  // 36.5 oz
            .dropped(.unparsable),
        ])
    }

    @Test func noiseABrokenFrameAndAScaleSwitchedOnMidFrameAreDroppedAndTheNextFrameRead() {
        let stream = "\u{1}\u{7f}xx\r\n1.234 kg\r\nS S 1.0x kg\r\nS S 1.000 stone\r\nS S\r\n"
            + String(repeating: "A", count: 100) + "\r\nS S      0.500 kg\r\n"
        #expect(framed(MTSICSFramer(), stream) == [
            .dropped(.unparsable), .dropped(.unparsable), .dropped(.unparsable), .dropped(.unit),
            .dropped(.unparsable), .dropped(.tooLong), weight(500, .stable),
        ])
    }
}

@Suite(.offCooperativePool) struct Toledo8217FramerTests {
    @Test func weightsAndStatusBytes() {
        let stream = "\u{2}01.234\r\u{2}012.34\r\u{2}  1.500KG\r\u{2}01.234N\r"
            + "\u{2}?\u{21}\r\u{2}?\u{22}\r\u{2}?\u{24}\r\u{2}?\u{30}\r\u{2}?\u{20}\r"
        #expect(framed(Toledo8217Framer(), stream) == [
            weight(1234, .stable), weight(5597, .stable), weight(1500, .stable), weight(1234, .stable),
            weight(0, .motion), weight(0, .overload), weight(0, .underload), weight(0, .stable), weight(0, .error),
        ])
    }

    /// 7E1 read as 8N1: even parity sets the high bit of some characters.
    @Test func theParityBitIsDropped() {
        let frame = Array("\u{2}01.234\r".utf8).map { byte in byte.nonzeroBitCount % 2 == 1 ? byte | 0x80 : byte }
        #expect(frame.contains { $0 & 0x80 != 0 })
        #expect(framed(Toledo8217Framer(), frame) == [weight(1234, .stable)])
    }

    @Test func aFrameCutByTheNextAndNoiseOutsideFramesAreDropped() {
        let stream = "garbage\r1.2\u{2}01.2\u{2}00.500\r\u{2}0123456789012345678\r\u{2}1.0 stone\r\u{2}00.100\r"
        #expect(framed(Toledo8217Framer(), stream) == [
            .dropped(.unparsable), weight(500, .stable), .dropped(.tooLong), .dropped(.unit), weight(100, .stable),
        ])
    }
}

@Suite(.offCooperativePool) struct ContinuousFramerTests {
    @Test func vendorsLinesAreReadTolerantly() {
        let stream = """
            ST,GS,+  1.234kg\r\nUS,NT,-  0.200kg\r\nOL,GS,+  9.999kg\r\nST,GS,01,+0001.234,kg\r\n\
            st,gs,  12.5 lb\r\nST,GS,   250\r\nST,GS,+1.234zz\r\nXX,GS,1.0kg\r\nST,GS,kg\r\nST\r\n
            """
        #expect(framed(ContinuousFramer(), stream) == [
            weight(1234, .stable), weight(-200, .motion), weight(0, .overload), weight(1234, .stable),
            weight(5670, .stable), weight(250_000, .stable), .dropped(.unit), .dropped(.unparsable),
            .dropped(.unparsable), .dropped(.unparsable),
        ])
    }

    @Test func aScaleSwitchedOnMidLineLosesOnlyThatLine() {
        #expect(framed(ContinuousFramer(), "34kg\r\nST,GS,+  0.750kg\r\n") == [.dropped(.unparsable), weight(750, .stable)])
    }
}

@Suite(.offCooperativePool) struct XK3190A9FramerTests {
    /// STX, sign, six digits, decimals, the XOR as two nibbles ("0"-"9", "A"-"F"), ETX.
    static func frame(_ sign: Character, _ digits: String, decimals: Int, corrupt: Bool = false, plus30: Bool = false) -> [UInt8] {
        let body = Array("\(sign)\(digits)\(decimals)".utf8)
        var xor = body.reduce(0, ^)
        if corrupt { xor ^= 0x01 }
        func nibble(_ n: UInt8) -> UInt8 { plus30 || n < 10 ? 0x30 + n : 0x41 + n - 10 }
        return [0x02] + body + [nibble(xor >> 4), nibble(xor & 0x0F), 0x03]
    }

    @Test func binaryFramesWithTheirChecksum() {
        let stream = Self.frame("+", "001234", decimals: 2) + Self.frame("-", "000500", decimals: 3)
            + Self.frame("+", "001234", decimals: 2, corrupt: true) + Self.frame("+", "000250", decimals: 0, plus30: true)
            + Array("noise".utf8) + Self.frame("+", "000012", decimals: 1)
        #expect(framed(XK3190A9Framer(), stream) == [
            weight(12340, .unflagged), weight(-500, .unflagged), .dropped(.checksum), weight(250_000, .unflagged),
            weight(1200, .unflagged),
        ])
    }

    @Test func theReversedDisplayFormat() {
        #expect(framed(XK3190A9Framer(), "=43.2100=43.210-=432100=05.0000=5.") == [
            weight(12340, .unflagged), weight(-12340, .unflagged), weight(1_234_000, .unflagged), weight(500, .unflagged),
        ])
        // "=5." is unfinished: it ends with the next frame.
        #expect(framed(XK3190A9Framer(), "=5.=05.0000") == [.dropped(.unparsable), weight(500, .unflagged)])
    }

    @Test func aFrameCutShortByTheNextIsDropped() {
        let cut = Array(Self.frame("+", "001234", decimals: 2).prefix(6))
        #expect(framed(XK3190A9Framer(), cut + Self.frame("+", "000100", decimals: 3)) == [.dropped(.unparsable), weight(100, .unflagged)])
    }
}

@Suite(.offCooperativePool) struct XK3190A12FramerTests {
    static func checked(_ body: String, corrupt: Bool = false) -> String {
        var xor = Array(body.utf8).reduce(0, ^)
        if corrupt { xor ^= 0x10 }
        let hex = Array("0123456789ABCDEF")
        return "\(body) \(hex[Int(xor >> 4)])\(hex[Int(xor & 0x0F)])\r\n"
    }

    @Test func weightNetTareAndOverloadFrames() {
        let stream = "ww000.250kg\r\nwn-0000.1kg\r\nwt000.100kg\r\nww000.000lb\r\nww  OL  kg\r\n"
            + Self.checked("W G   1.234 kg") + Self.checked("W N   0.500 kg", corrupt: true) + "ww000.250kgww000.300kg\r\n"
        #expect(framed(XK3190A12Framer(), stream) == [
            weight(250, .unflagged), weight(-100, .unflagged), weight(0, .unflagged), weight(0, .overload),
            weight(1234, .unflagged), .dropped(.checksum), weight(250, .unflagged), weight(300, .unflagged),
        ])
    }

    @Test func noiseBeforeTheFirstFrameIsNoFrame() {
        #expect(framed(XK3190A12Framer(), "0.250kg\r\nwx1\r\nww000.900kg\r\n") == [.dropped(.unparsable), weight(900, .unflagged)])
    }
}

@Suite(.offCooperativePool) struct CASFramerTests {
    static func frame(_ status: Character, _ sign: Character, _ weight: String, _ unit: String, corrupt: Bool = false) -> [UInt8] {
        let body = Array("\(status)\(sign)\(weight)\(unit)".utf8)
        precondition(body.count == 10)
        return [0x01, 0x02] + body + [body.reduce(0, ^) ^ (corrupt ? 1 : 0), 0x03, 0x04]
    }

    @Test func framesAfterEnquiryAndRequest() {
        let stream = [0x06] + Self.frame("S", " ", "  1.25", "kg") + [0x20]  // a status byte after EOT
            + Self.frame("U", "-", " 0.040", "kg") + Self.frame("F", " ", "  9.99", "kg")
            + Self.frame("S", " ", "  1.25", "kg", corrupt: true) + Self.frame("S", " ", "  12.5", "lb")
            + Self.frame("S", " ", "  1.25", "xx") + [0x15]
        #expect(framed(CASFramer(), stream) == [
            .answer(.ready), weight(1250, .stable), weight(-40, .motion), weight(0, .overload), .dropped(.checksum),
            weight(5670, .stable), .dropped(.unit), .answer(.refused),
        ])
    }

    @Test func aScaleSwitchedOnMidFrameResynchronisesOnTheNextFrame() {
        let half = Array(Self.frame("S", " ", "  1.25", "kg").suffix(8))
        #expect(framed(CASFramer(), half + Self.frame("S", " ", " 0.500", "kg")) == [weight(500, .stable)])
    }
}

@Suite(.offCooperativePool) struct HIDScaleReportTests {
    @Test func reportsAsScalesSendThem() {
        #expect(HIDScaleReport.decode([3, 4, 2, 0, 0xE8, 0x03]) == weight(1000, .stable))
        #expect(HIDScaleReport.decode([3, 4, 11, 0xFF, 0x64, 0x00]) == weight(283, .stable))  // DYMO: 10.0 oz
        #expect(HIDScaleReport.decode([3, 4, 3, 0xFD, 0xD2, 0x04]) == weight(1234, .stable))  // 1.234 kg
        #expect(HIDScaleReport.decode([3, 4, 12, 0xFE, 0xFA, 0x00]) == weight(1134, .stable))  // 2.50 lb
        #expect(HIDScaleReport.decode([3, 3, 2, 0, 10, 0]) == weight(10, .motion))
        #expect(HIDScaleReport.decode([3, 2, 11, 0xFF, 1, 0]) == weight(0, .stable))  // stable at zero
        #expect(HIDScaleReport.decode([3, 6, 2, 0, 0, 0]) == weight(0, .overload))
        #expect(HIDScaleReport.decode([3, 5, 2, 0, 0, 0]) == weight(0, .underload))
        #expect(HIDScaleReport.decode([3, 8, 2, 0, 0, 0]) == weight(0, .error))
        #expect(HIDScaleReport.decode([3, 4, 5, 0, 1, 0]) == .dropped(.unit))  // taels
        #expect(HIDScaleReport.decode([3, 9, 2, 0, 1, 0]) == .dropped(.unparsable))
        #expect(HIDScaleReport.decode([3, 4, 2, 0x7F, 0xFF, 0xFF]) == .dropped(.unparsable))
        #expect(HIDScaleReport.decode([3, 4, 2]) == .dropped(.unparsable))
        #expect(HIDScaleReport.decode([4, 4, 2, 0, 1, 0]) == nil)
    }
}

@Suite(.offCooperativePool) struct WeightStabilizerTests {
    @Test func aScaleWithoutAFlagIsStableOnceTheWeightLastsStableMs() {
        var s = WeightStabilizer(stableMs: 400, maxAgeMs: 1000)
        #expect(s.take(ScaleSample(grams: 812, stability: .unflagged), atMs: 0).state == .motion)
        #expect(s.take(ScaleSample(grams: 812, stability: .unflagged), atMs: 399).state == .motion)
        #expect(s.take(ScaleSample(grams: 812, stability: .unflagged), atMs: 400) == WeightReading(grams: 812, state: .stable))
        #expect(s.take(ScaleSample(grams: 815, stability: .unflagged), atMs: 500).state == .motion)
        #expect(s.take(ScaleSample(grams: 815, stability: .unflagged), atMs: 900).state == .stable)
        #expect(s.take(ScaleSample(grams: 0, stability: .unflagged), atMs: 1000).state == .motion)
        #expect(s.take(ScaleSample(grams: 0, stability: .unflagged), atMs: 1400).state == .zero)
        #expect(s.reading(atMs: 2400)?.state == .zero)
        #expect(s.reading(atMs: 2401) == nil, "a reading older than its poll interval counts as absent")
    }

    @Test func aScalesOwnFlagDecides() {
        var s = WeightStabilizer(stableMs: 400, maxAgeMs: 1000)
        #expect(s.take(ScaleSample(grams: 812, stability: .stable), atMs: 0) == WeightReading(grams: 812, state: .stable))
        #expect(s.take(ScaleSample(grams: 812, stability: .motion), atMs: 10).state == .motion)
        #expect(s.take(ScaleSample(grams: 0, stability: .stable), atMs: 20).state == .zero)
        #expect(s.take(ScaleSample(grams: 0, stability: .overload), atMs: 30).state == .overload)
        s.reset()
        #expect(s.reading(atMs: 30) == nil)
    }
}
