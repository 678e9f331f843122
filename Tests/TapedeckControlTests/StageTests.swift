import Testing
@testable import TapedeckControl

@Suite struct StageTests {
    @Test func issueExample() {
        #expect(Stage(sanitizing: "_MIDCALL")?.value == "_MIDCALL")
    }

    @Test func replacesThenTruncates() {
        #expect(Stage(sanitizing: "_MID CALL!!/..xyzABCDEFGHIJ")?.value == "_MID_CALL_____")
    }

    @Test func exactly14AndLonger() {
        #expect(Stage(sanitizing: "ABCDEFGHIJKLMN")?.value == "ABCDEFGHIJKLMN")
        #expect(Stage(sanitizing: "ABCDEFGHIJKLMNO")?.value == "ABCDEFGHIJKLMN")
    }

    @Test func perUnicodeScalar() {
        #expect(Stage(sanitizing: "é-x")?.value == "_-x")
        #expect(Stage(sanitizing: "e\u{301}x")?.value == "e_x")
        #expect(Stage(sanitizing: "😀a")?.value == "_a")
        #expect(Stage(sanitizing: "🇩🇪")?.value == "__")
    }

    @Test func emptyIsNoStage() {
        #expect(Stage(sanitizing: "") == nil)
    }
}
