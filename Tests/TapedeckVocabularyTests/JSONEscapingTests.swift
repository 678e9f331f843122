import Testing
import TapedeckVocabulary

/// The one JSON string escaper: the exact bytes for every character that needs escaping.
@Suite struct JSONEscapingTests {
    static let short: [UInt32: String] = [0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r"]

    @Test(arguments: 0x00...0x1F)
    func everyC0ControlIsEscaped(_ value: Int) {
        let scalar = Unicode.Scalar(UInt8(value))
        let hex = String(value, radix: 16)
        let expected = Self.short[UInt32(value)] ?? "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        #expect(JSONValue.quoted(String(scalar)) == "\"" + expected + "\"")
    }

    @Test func deleteAndTheLineSeparatorsAreEscaped() {
        #expect(JSONValue.quoted("\u{7F}") == #""\u007f""#)
        #expect(JSONValue.quoted("\u{2028}") == #""\u2028""#)
        #expect(JSONValue.quoted("\u{2029}") == #""\u2029""#)
    }

    @Test func quotesAndBackslashes() {
        #expect(JSONValue.quoted("\"") == #""\"""#)
        #expect(JSONValue.quoted("\\") == #""\\""#)
        #expect(JSONValue.quoted("a\"b\\c") == #""a\"b\\c""#)
        #expect(JSONValue.quoted("") == #""""#)
    }

    /// Everything else is written as it is, in UTF-8: `/`, C1 controls, non-ASCII, astral.
    @Test func everythingElseIsLeftAsItIs() {
        let s = "/é\u{80}\u{9F}\u{FFFD}😀 ~"
        #expect(JSONValue.quoted(s) == "\"" + s + "\"")
    }

    @Test func appendingAddsToWhatIsThere() {
        var out = "x:"
        JSONValue.appendEscaped("\n", to: &out)
        #expect(out == #"x:"\n""#)
    }

    /// What the escaper writes, the reader reads back to the same string.
    @Test(arguments: ["", "plain", "q\"b\\s/\n\r\t\u{08}\u{0C}\u{00}\u{1F}\u{7F}\u{2028}\u{2029}é😀"])
    func readsBackTheSame(_ s: String) {
        #expect(JSONValue.parse(JSONValue.quoted(s)) == .string(s))
    }
}
