import PackDevices
import PackTestRequirements
import Testing

/// Key codes of linux/input-event-codes.h.
enum Key: UInt16 {
    case k1 = 2, k2 = 3, k3 = 4, k6 = 7, k7 = 8, minus = 12, apostrophe = 40, tab = 15, q = 16, y = 21, rightBrace = 27, enter = 28
    case leftCtrl = 29, a = 30, leftShift = 42, z = 44, c = 46, b = 48, dot = 52, slash = 53, capsLock = 58
    case rightAlt = 100
}

/// A scanner typing: each step presses and releases keys, with modifiers held.
func type(_ steps: [(mods: [Key], key: Key)]) -> [(UInt16, Int32)] {
    var events: [(UInt16, Int32)] = []
    for step in steps {
        for m in step.mods { events.append((m.rawValue, 1)) }
        events += [(step.key.rawValue, 1), (step.key.rawValue, 0)]
        for m in step.mods.reversed() { events.append((m.rawValue, 0)) }
    }
    return events
}

func decode(_ events: [(UInt16, Int32)], layout: String) throws -> [String] {
    let decoder = try KeymapDecoder(layout: layout)
    var assembler = KeyScanAssembler()
    var codes: [String] = []
    for (i, (code, value)) in events.enumerated() {
        for done in assembler.feed(decoder.feed(code: code, value: value), atMs: Int64(i)) {
            if case .code(let c) = done { codes.append(c) }
        }
    }
    return codes
}

@Suite(.offCooperativePool) struct KeymapDecoderTests {
    /// `ABC-1/2.3` then Enter, as a scanner set to the US layout types it.
    static let usTyping = type([
        ([.leftShift], .a), ([.leftShift], .b), ([.leftShift], .c), ([], .minus), ([], .k1), ([], .slash), ([], .k2),
        ([], .dot), ([], .k3), ([], .enter),
    ])

    /// The same code as a scanner set to the German (QWERTZ) layout types it:
    /// `-` is the key right of `.`, `/` is Shift+7.
    static let deTyping = type([
        ([.leftShift], .a), ([.leftShift], .b), ([.leftShift], .c), ([], .slash), ([], .k1), ([.leftShift], .k7),
        ([], .k2), ([], .dot), ([], .k3), ([], .enter),
    ])

    @Test func usLayoutDecodesCapitalsDigitsAndPunctuation() throws {
        #expect(try decode(Self.usTyping, layout: "us") == ["ABC-1/2.3"])
    }

    @Test func germanLayoutDecodesTheSameCode() throws {
        #expect(try decode(Self.deTyping, layout: "de") == ["ABC-1/2.3"])
        // Read with the wrong layout, the code turns into other characters.
        #expect(try decode(Self.deTyping, layout: "us") != ["ABC-1/2.3"])
        #expect(try decode(type([([.leftShift], .z), ([], .enter)]), layout: "de") == ["Y"])
    }

    @Test func ctrlRightBracketIsTheGS1Separator() throws {
        let gs1 = type([([], .k1), ([.leftCtrl], .rightBrace), ([], .k2), ([], .enter)])
        #expect(try decode(gs1, layout: "us") == ["1\u{1D}2"])
    }

    @Test func capsLockAndTabAreHonoured() throws {
        let events = type([([], .capsLock), ([], .q), ([.leftShift], .q), ([], .capsLock), ([], .q), ([], .tab)])
        #expect(try decode(events, layout: "us") == ["Qqq"])
    }

    @Test func altGrGivesThirdLevelCharacters() throws {
        // AltGr+Q is @ on the German layout.
        #expect(try decode(type([([.rightAlt], .q), ([], .enter)]), layout: "de") == ["@"])
    }

    @Test func repeatsUnknownKeysAndBareModifiersAreIgnored() throws {
        var events = type([([], .k1)])
        events.append((Key.k2.rawValue, 1))
        events.append((Key.k2.rawValue, 2))  // auto-repeat: a stuck key, not data
        events.append((Key.k2.rawValue, 0))
        events.append((240, 1))  // KEY_UNKNOWN: no keymap gives it a symbol
        events.append((240, 0))
        events += type([([], .enter)])
        #expect(try decode(events, layout: "us") == ["12"])
        let decoder = try KeymapDecoder(layout: "us")
        #expect(decoder.feed(code: 240, value: 1) == .unknownKey(code: 240))
        #expect(decoder.feed(code: Key.k2.rawValue, value: 2) == .repeated(code: Key.k2.rawValue))
        #expect(decoder.feed(code: Key.leftShift.rawValue, value: 1) == .ignored)
    }

    @Test func anInterKeyPauseEndsTheCode() throws {
        let decoder = try KeymapDecoder(layout: "us")
        var assembler = KeyScanAssembler(interKeyTimeoutMs: 50)
        var done: [KeyScanAssembler.Completed] = []
        for (code, value) in type([([], .k1), ([], .k2)]) { done += assembler.feed(decoder.feed(code: code, value: value), atMs: 0) }
        #expect(done.isEmpty)
        #expect(assembler.flush(ifIdleAt: 40) == nil)
        #expect(assembler.flush(ifIdleAt: 51) == .code("12"))
        #expect(assembler.flush(ifIdleAt: 500) == nil)
    }

    @Test func aKeymapFromAFileDecodesLikeTheNamedLayout() throws {
        let text = try KeymapDecoder(layout: "de").keymapText
        let fromFile = try KeymapDecoder(keymapText: text, name: "scanner-de.xkb")
        var assembler = KeyScanAssembler()
        var codes: [String] = []
        for (i, (code, value)) in Self.deTyping.enumerated() {
            for case .code(let c) in assembler.feed(fromFile.feed(code: code, value: value), atMs: Int64(i)) { codes.append(c) }
        }
        #expect(codes == ["ABC-1/2.3"])
    }

    @Test func frenchAndBritishLayouts() throws {
        // AZERTY: A is the Q key, digits need Shift, - is the 6 key.
        let fr: [(UInt16, Int32)] = type([([.leftShift], .q), ([.leftShift], .k1), ([], .k6), ([.leftShift], .k2), ([], .enter)])
        #expect(try decode(fr, layout: "fr") == ["A1-2"])
        // UK: Shift+' is @, Shift+2 is ", Shift+3 is £.
        let gb: [(UInt16, Int32)] = type([([.leftShift], .apostrophe), ([.leftShift], .k2), ([.leftShift], .k3), ([], .enter)])
        #expect(try decode(gb, layout: "gb") == ["@\"£"])
    }

    @Test func anUnknownLayoutIsAPreciseError() {
        #expect(throws: KeymapDecoder.LoadError.self) { _ = try KeymapDecoder(layout: "klingon") }
        #expect(throws: KeymapDecoder.LoadError.self) { _ = try KeymapDecoder(keymapText: "nonsense", name: "my.xkb") }
    }
}

@Suite(.offCooperativePool) struct KeyScanAssemblerTests {
    @Test func aConfiguredSuffixEndsTheCode() throws {
        let decoder = try KeymapDecoder(layout: "us")
        var assembler = KeyScanAssembler(suffix: "..")
        var codes: [String] = []
        for (code, value) in type([([], .k1), ([], .dot), ([], .k2), ([], .dot), ([], .dot), ([], .k3), ([], .dot), ([], .dot)]) {
            for case .code(let c) in assembler.feed(decoder.feed(code: code, value: value), atMs: 0) { codes.append(c) }
        }
        #expect(codes == ["1.2", "3"])
    }

    @Test func anOverlongCodeIsRefusedAndTheNextOneRead() throws {
        var assembler = KeyScanAssembler(maxCodeLength: 4)
        var done: [KeyScanAssembler.Completed] = []
        for ch in "123456" { done += assembler.feed(.text(String(ch)), atMs: 0) }
        done += assembler.feed(.terminator, atMs: 0)
        for ch in "ok" { done += assembler.feed(.text(String(ch)), atMs: 0) }
        done += assembler.feed(.terminator, atMs: 0)
        #expect(done == [.tooLong(4), .code("ok")])
    }
}
