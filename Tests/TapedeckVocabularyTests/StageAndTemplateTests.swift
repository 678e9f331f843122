import Testing
import TapedeckVocabulary

@Suite struct StageTests {
    @Test func sanitisesToFourteenCharactersOfTheAllowedSet() {
        #expect(Stage(sanitizing: "") == nil)
        #expect(Stage(sanitizing: "_MIDCALL")?.value == "_MIDCALL")
        #expect(Stage(sanitizing: "a b/c;é")?.value == "a_b_c__")
        #expect(Stage(sanitizing: "e\u{301}")?.value == "e_")
        #expect(Stage(sanitizing: "😀")?.value == "_")
        #expect(Stage(sanitizing: "abcdefghijklmnopq")?.value == "abcdefghijklmn")
        #expect(Stage(sanitizing: ".x")?.description == "_x")
    }
}

@Suite struct FilenameTemplatePureTests {
    @Test func rendersWithAnyValues() {
        let t = FilenameTemplate("S_AGENTx_CALLID")
        #expect(t.variables == [.agent, .callID])
        #expect(t.render { $0 == .agent ? "1000" : "" } == "S_1000x_")
        #expect(t.render(stage: Stage(sanitizing: "-END")) { $0.rawValue } == "S_AGENTx_CALLID-END")
        #expect(FilenameTemplate("..").render { _ in "" } == "__")
        #expect(FilenameTemplate("AGENT").render { _ in "" } == "recording")
    }

    @Test func sanitisesAndUniques() {
        #expect(FilenameTemplate.sanitize("-a/b..c.") == "_a_b._c_")
        #expect(FilenameTemplate.uniqued("x") { ["x", "x-2"].contains($0) } == "x-3")
        #expect(FilenameTemplate.uniqued(String(repeating: "a", count: 90)) { $0.count == 90 && $0.hasSuffix("a") }
                == String(repeating: "a", count: 88) + "-2")
    }
}
