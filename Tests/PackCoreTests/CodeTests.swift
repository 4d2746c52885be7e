import PackCore
import Testing

@Suite struct CodeTests {
    @Test func trimRemovesWhitespaceAndControlsAtTheEndsOnly() {
        #expect(CodeText.trim("  YT001\r\n") == "YT001")
        #expect(CodeText.trim("\u{02}ABC\u{03}") == "ABC")
        #expect(CodeText.trim("\t01\u{1D}10AB\u{1D}") == "01\u{1D}10AB")
        #expect(CodeText.trim(" \n ") == "")
        #expect(CodeText.trim("A B") == "A B")
    }

    @Test func foldIsCaseInsensitiveForASCIIAndUnicode() {
        #expect(CodeText.fold("yt001-ab") == "YT001-AB")
        #expect(CodeText.fold("YT001") == "YT001")
        #expect(CodeText.fold("单号ab") == "单号AB")
    }

    @Test(arguments: [
        ("96385074", "00000096385074"),  // EAN-8
        ("036000291452", "00036000291452"),  // UPC-A
        ("4006381333931", "04006381333931"),  // EAN-13
        ("10614141000415", "10614141000415"),  // GTIN-14
    ])
    func gtinNormalisesEveryForm(_ code: String, _ gtin14: String) {
        #expect(GTIN.normalize(code) == gtin14)
    }

    @Test(arguments: ["4006381333932", "123", "40063813339X1", "", "400638133393100"])
    func gtinRejectsBadCheckDigitsAndLengths(_ code: String) {
        #expect(GTIN.normalize(code) == nil)
    }

    @Test func gs1RawWithFixedAndVariableFields() throws {
        let s = try #require(GS1ElementString.parse("0109501101530003172712311012345\u{1D}21SN-99\u{1D}3710"[...]))
        #expect(s.elements.map(\.ai) == ["01", "17", "10", "21", "37"])
        #expect(s.value("10") == "12345")
        #expect(s.value("21") == "SN-99")
        #expect(s.value("37") == "10")
        #expect(s.gtin == "09501101530003")
    }

    @Test func gs1SSCCAndContentAndDates() throws {
        let s = try #require(GS1ElementString.parse("00106141411234567897020950110153000311271201152712313710"[...]))
        #expect(s.value("00") == "106141411234567897")
        #expect(s.value("02") == "09501101530003")
        #expect(s.value("11") == "271201")
        #expect(s.value("15") == "271231")
        #expect(s.value("37") == "10")
        #expect(s.gtin == nil)  // AI 02 is the content of a logistic unit, not the item itself
    }

    @Test func gs1Bracketed() throws {
        let s = try #require(GS1ElementString.parse("(01)09501101530003(10)ABC(21)X1"[...]))
        #expect(s.gtin == "09501101530003")
        #expect(s.value("21") == "X1")
    }

    @Test func gs1RejectsUnknownAIsAndShortFields() {
        #expect(GS1ElementString.parse("0512345"[...]) == nil)
        #expect(GS1ElementString.parse("01095011015300"[...]) == nil)
        #expect(GS1ElementString.parse("(01)123"[...]) == nil)
    }

    @Test(arguments: [
        ("]C10109501101530003", "gs1-128"),
        ("]d20109501101530003", "gs1-datamatrix"),
        ("]Q30109501101530003", "gs1-qr"),
        ("]e00109501101530003", "gs1-databar"),
    ])
    func aimPrefixesMarkGS1(_ code: String, _ name: String) {
        let c = ScannedCode(code)
        #expect(c.aim?.isGS1 == true)
        #expect(c.aim?.symbologyName == name)
        #expect(c.gtin == "09501101530003")
        #expect(c.text == "0109501101530003")
        #expect(c.trimmed == code)
    }

    @Test func unprefixedGS1IsRecognisedByItsShape() {
        #expect(ScannedCode("0109501101530003\u{1D}10LOT").gtin == "09501101530003")
        #expect(ScannedCode("010950110153000310LOT").gtin == "09501101530003")
        #expect(ScannedCode("0109501101530004").gtin == nil)  // check digit wrong: not GS1, not a GTIN
        #expect(ScannedCode("SKU-1").gtin == nil)
    }

    @Test func nonGS1AimPrefixIsStrippedForMatching() {
        let c = ScannedCode("]C0RAZOR-01")
        #expect(c.text == "RAZOR-01")
        #expect(c.aim?.symbologyName == "code128")
        #expect(c.gs1 == nil)
    }
}

/// The GS1 application identifier table and what a parse keeps when part of a code
/// does not read.
@Suite struct GS1TableTests {
    @Test(arguments: [
        ("7240", nil as Int?, 20), ("8030", nil, 90), ("4309", 20, 20), ("7040", 4, 4), ("8006", 18, 18),
        ("421", nil, 12), ("3103", 6, 6), ("3955", 6, 6), ("7239", nil, 30), ("715", nil, 20), ("8200", nil, 70),
        ("99", nil, 90), ("00", 18, 18), ("8013", nil, 25), ("4326", 6, 6), ("7011", nil, 10),
    ])
    func aisHaveTheirLengths(_ ai: String, _ fixed: Int?, _ max: Int) throws {
        let length = try #require(GS1ApplicationIdentifiers.dataLength(ofAI: ai))
        #expect(length.fixed == fixed)
        #expect(length.max == max)
    }

    @Test(arguments: ["05", "3106", "3960", "7299", "8099", "4334", "23", "717"])
    func unassignedNumbersAreNotAIs(_ ai: String) {
        #expect(!GS1ApplicationIdentifiers.isKnown(ai))
    }

    @Test func anUnknownAIAfterTheGTINCostsOnlyItself() throws {
        let s = try #require(GS1ElementString.parse("0106901234567892" + "10LOT1\u{1D}7299XYZ\u{1D}21SN1"[...]))
        #expect(s.gtin == "06901234567892")
        #expect(s.value("10") == "LOT1")
        #expect(s.value("21") == "SN1")
        #expect(s.unread == ["7299XYZ"])
        // A known AI whose data does not fit it is unread too.
        let bad = try #require(GS1ElementString.parse("0106901234567892" + "11ABCDEF"[...]))
        #expect(bad.gtin == "06901234567892")
        #expect(bad.unread == ["11ABCDEF"])
        let bracketed = try #require(GS1ElementString.parse("(01)06901234567892(7299)XYZ(10)L1"[...]))
        #expect(bracketed.gtin == "06901234567892")
        #expect(bracketed.value("10") == "L1")
        #expect(bracketed.unread == ["(7299)XYZ"])
    }

    @Test func theIssuesCodeKeepsItsGTIN() {
        let code = ScannedCode("]C10106901234567892" + "10LOT1\u{1D}7240ABC")
        #expect(code.gtin == "06901234567892")
        #expect(code.gs1?.value("7240") == "ABC")
        #expect(code.gs1?.unread == [])
    }

    @Test(arguments: [
        "https://id.gs1.org/01/09501101530003",
        "HTTPS://id.gs1.org/01/09501101530003/10/ABC?17=271231",
        "https://example.com/brand/products/01/09501101530003/21/S%2F1",
        "http://example.com/gtin/09501101530003/lot/ABC",
        "https://id.gs1.org/01/9501101530003",
    ])
    func digitalLinksReadAsTheirGTIN(_ uri: String) {
        #expect(ScannedCode(uri).gtin == "09501101530003", "\(uri)")
    }

    @Test func digitalLinkQualifiersAndAttributes() throws {
        let s = try #require(GS1DigitalLink.parse("https://id.gs1.org/01/09501101530003/10/AB%2FC/21/X?17=271231&utm_source=x"[...]))
        #expect(s.elements.map { $0.ai } == ["01", "10", "21", "17"])
        #expect(s.value("10") == "AB/C")
        #expect(GS1DigitalLink.parse("https://example.com/products/123"[...]) == nil)
        #expect(ScannedCode("https://id.gs1.org/01/09501101530004").gtin == nil, "a bad check digit")
        #expect(ScannedCode("https://example.com/01/0950110153000").gtin == nil)
    }
}
