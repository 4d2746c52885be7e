import PackCore
import Testing

@Suite struct JSONParserTests {
    @Test func parsesEveryKindAndKeepsMemberOrder() throws {
        let v = try JSONParser.parse(#"{"b": [1, -2.5, true, false, null], "a": "x\u00e9\ud83d\ude00\n", "c": {}}"#)
        guard case .object(let m) = v else { Issue.record("not an object"); return }
        #expect(Array(m.keys) == ["b", "a", "c"])
        #expect(m["b"] == [1, -2.5, true, false, nil])
        #expect(m["a"] == "xé😀\n")
    }

    @Test func serialisationRoundTrips() throws {
        let text = #"{"k":"a\"b\\c\u0001","n":[1,2.5,-3],"t":true,"z":null}"#
        let v = try JSONParser.parse(text)
        #expect(v.serialized() == text)
        #expect(try JSONParser.parse(v.serialized()) == v)
    }

    @Test func errorsSayLineAndColumn() {
        do {
            _ = try JSONParser.parse("[\n  1,\n  2,,\n]")
            Issue.record("no error")
        } catch {
            #expect(error.position.line == 3)
            #expect(error.position.column == 5)
        }
    }

    @Test func invalidUTF8IsFoundAtItsByte() {
        do {
            _ = try JSONParser.parse(Array(#"{"a": "ok"}"#.utf8) + [] + Array("\n".utf8) + [0xC3, 0x28])
            Issue.record("no error")
        } catch {
            #expect(error.message.contains("invalid UTF-8 byte 0xC3"))
            #expect(error.position.line == 2)
        }
    }

    @Test(arguments: [
        "", "[", "{\"a\" 1}", "[1,]", "01", "1.", "tru", "\"abc", "\"\\x\"", "\"\\ud800\"", "[1] 2",
        "{\"a\":1,}", "\"tab\there\"",
    ])
    func rejectsMalformedInput(_ text: String) {
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(text) }
    }

    @Test func deepNestingIsRefusedNotACrash() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(deep) }
    }
}
