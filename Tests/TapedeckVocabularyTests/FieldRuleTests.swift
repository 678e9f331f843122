import Testing
import TapedeckVocabulary

@Suite struct StationNameTests {
    @Test(arguments: ["st1", "S", "0", "card-1.left_leg", "A" + String(repeating: "b", count: 31), "1.2", "a-", "a."])
    func accepted(_ s: String) { #expect(StationName.isValid(s)) }

    @Test(arguments: ["", "-a", "_a", ".a", "a b", "a/b", "a:b", "é", "a\u{0}", String(repeating: "a", count: 33), "a|b", "a@b"])
    func refused(_ s: String) { #expect(!StationName.isValid(s)) }
}

@Suite struct ControlCharacterTests {
    @Test func theControlCharactersAreC0DeleteC1AndTheLineSeparators() {
        let controls = (UInt32(0)...0x3000).compactMap(Unicode.Scalar.init).filter(ControlCharacter.isControl).map(\.value)
        #expect(controls == Array<UInt32>(0x00...0x1F) + Array<UInt32>(0x7F...0x9F) + [0x2028, 0x2029])
        #expect(!ControlCharacter.isControl("😀") && !ControlCharacter.isControl("\u{A0}"))
        #expect(ControlCharacter.occurs(in: "a\u{85}b") && !ControlCharacter.occurs(in: "plain é"))
    }
}

@Suite struct HTTPURLTests {
    @Test(arguments: ["http://a", "https://example.com/x?y=1#z", "HTTP://A", "HtTpS://host:8080/p"])
    func accepted(_ s: String) { #expect(HTTPURL.problem(s) == nil) }

    @Test(arguments: [("ftp://a", HTTPURL.Problem.noScheme), ("example.com", .noScheme), ("", .noScheme),
                      ("http://", .noHost), ("https://", .noHost), ("http:///path", .noHost),
                      ("http://a b", .notPrintableASCII), ("http://é", .notPrintableASCII), ("http://a\u{7F}", .notPrintableASCII),
                      ("http://a\t", .notPrintableASCII)])
    func refused(_ s: String, _ problem: HTTPURL.Problem) { #expect(HTTPURL.problem(s) == problem, "\(s)") }

    @Test func atMost2048Bytes() {
        let base = "http://a/"
        #expect(HTTPURL.problem(base + String(repeating: "x", count: 2048 - base.utf8.count)) == nil)
        #expect(HTTPURL.problem(base + String(repeating: "x", count: 2049 - base.utf8.count)) == .tooLong)
    }
}

@Suite struct ASCIITests {
    @Test func classes() {
        #expect((0...255).filter { ASCII.isDigit(UInt8($0)) } == Array(0x30...0x39))
        #expect((0...255).filter { ASCII.isBlank(UInt8($0)) } == [0x09, 0x0D, 0x20])
        #expect((UInt32(0)...0x17F).compactMap(Unicode.Scalar.init).filter(ASCII.isNameCharacter).map { Character($0) }
                == Array("-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"))
        #expect((0...255).filter { ASCII.hexValue(UInt8($0)) != nil }.count == 22)
        #expect(ASCII.hexValue(UInt8(ascii: "f")) == 15 && ASCII.hexValue(UInt8(ascii: "A")) == 10 && ASCII.hexValue(UInt8(ascii: "g")) == nil)
        #expect(ASCII.hex(0x1B, digits: 4) == "001b" && ASCII.hex(0x9B, digits: 2, uppercase: true) == "9B"
                && ASCII.hex(0x2028, digits: 2) == "2028")
    }
}
