import Testing
import TapedeckVocabulary

/// The strict JSON reader, on nested, odd and hostile input.
@Suite struct JSONReaderTests {
    func syntaxError(_ text: String, maximumDepth: Int = JSONReader.defaultMaximumDepth) -> String? {
        var reader = JSONReader(text, maximumDepth: maximumDepth)
        do throws(JSONSyntaxError) {
            _ = try reader.readValue()
            return nil
        } catch {
            return error.message
        }
    }

    @Test func nestedValuesKeepTheirOrderAndTheirNumbersAsWritten() throws {
        let v = try #require(JSONValue.parse(#" {"b":[1,-2.50,3e2,{"x":null}],"a":{"t":true,"f":false},"s":"\u00e9\ud83d\ude00"} "#))
        guard case .object(let members) = v else { Issue.record("not an object"); return }
        #expect(members.map(\.0) == ["b", "a", "s"])
        #expect(v["b"] == .array([.number("1"), .number("-2.50"), .number("3e2"), .object([("x", .null)])]))
        #expect(v["a"]?["t"] == .bool(true) && v["a"]?["f"] == .bool(false))
        #expect(v["s"]?.string == "é😀")
        #expect(v.rendered == #"{"b":[1,-2.50,3e2,{"x":null}],"a":{"t":true,"f":false},"s":"é😀"}"#)
    }

    @Test func accessors() throws {
        let v = try #require(JSONValue.parse(#"{"id":42,"n":12.5,"big":1e3,"s":"x","k":"1","k":"2"}"#))
        #expect(v["id"]?.text == "42" && v["id"]?.number == 42)
        #expect(v["n"]?.text == "12.5" && v["big"]?.text == "1000")
        #expect(v["s"]?.number == nil && v["s"]?.text == "x")
        #expect(v["k"]?.string == "2")          // the last of repeated keys
        #expect(v["missing"] == nil && v["s"]?["x"] == nil)
    }

    @Test(arguments: [
        ("", "expected a value at end of input"),
        ("{", "expected a string key at end of input"),
        (#"{"a" 1}"#, "expected ':' at byte 6"),
        (#"{"a":1,}"#, "expected a string key at byte 8"),
        (#"{"a":1 "b":2}"#, "expected ',' or '}' at byte 8"),
        ("[1 2]", "expected ',' or ']' at byte 4"),
        ("[01]", "expected ',' or ']' at byte 3"),
        ("-", "invalid number at end of input"),
        ("1.", "invalid number at end of input"),
        ("1e+", "invalid number at end of input"),
        ("tru", "invalid literal at byte 1"),
        ("nul", "invalid literal at byte 1"),
        ("'a'", "unexpected character at byte 1"),
        (#""abc"#, "unterminated string at end of input"),
        (#""a\"#, "unterminated string at end of input"),
        (#""\x""#, "invalid escape at byte 3"),
        (#""\u12""#, "invalid \\u escape at byte 4"),
        (#""\u12g4""#, "invalid \\u escape at byte 6"),
        (#""\ud800""#, "lone surrogate in \\u escape at byte 8"),
        (#""\ud800\u0041""#, "lone surrogate in \\u escape at byte 14"),
        (#""\udc00""#, "lone surrogate in \\u escape at byte 8"),
        ("\"a\u{01}\"", "control character in string at byte 3"),
        ("\"a\nb\"", "control character in string at byte 3"),
    ])
    func refusesWhatIsNotJSON(_ text: String, _ message: String) {
        #expect(syntaxError(text) == message, "\(text.debugDescription)")
        #expect(JSONValue.parse(text) == nil)
    }

    @Test func trailingDataIsNotOneValue() {
        #expect(JSONValue.parse("{} {}") == nil)
        #expect(JSONValue.parse("1 2") == nil)
        #expect(JSONValue.parse(" [] \n") == .array([]))
    }

    /// Nesting is bounded, so hostile input cannot exhaust the stack: 32 levels by default.
    @Test func nestingDeeperThanTheLimitIsRefused() {
        let ok = String(repeating: "[", count: 32) + String(repeating: "]", count: 32)
        #expect(JSONValue.parse(ok) != nil)
        let deep = String(repeating: "[", count: 33) + String(repeating: "]", count: 33)
        #expect(syntaxError(deep) == "nesting too deep at byte 33")
        let hostile = String(repeating: #"{"a":["#, count: 100_000)
        #expect(syntaxError(hostile) != nil)
        #expect(JSONValue.parse(deep, maximumDepth: 64) != nil)
    }

    /// Raw control characters outside the C0 range, DEL and the line separators are
    /// allowed in strings, as RFC 8259 says; so is any valid UTF-8.
    @Test func readsEveryCharacterJSONAllows() {
        #expect(JSONValue.parse("\"\u{7F}\u{85}\u{2028}é\"") == .string("\u{7F}\u{85}\u{2028}é"))
        #expect(JSONValue.parse(#""\/\b\f\n\r\t\"\\""#) == .string("/\u{08}\u{0C}\n\r\t\"\\"))
    }
}
