import Testing
@testable import TapedeckControl

/// ``RequestLine/rendered``, the lines a client sends: read back by ``RequestLine/parse(_:)``
/// into the same line, in both forms.
@Suite struct RequestLineRenderingTests {
    static let awkward = ["", " lead and trail ", "a+b@c", "_MID CALL!&=%/é~.", "a\"b\\c\nd\u{1}é",
                          "{not json}", "\u{7F}\u{2028}\u{2029}\t\r", "😀 𝄞", "100%", "x=y&z"]

    static func lines(_ form: ReplyForm) -> [RequestLine] {
        var lines = [
            RequestLine(form: form, parameters: Parameters()),
            RequestLine(form: form, parameters: Parameters([("function", "recording"), ("agent_user", "1000"),
                                                            ("value", "START"), ("stage", "_MIDCALL")])),
        ]
        for value in awkward {
            lines.append(RequestLine(form: form, parameters: Parameters([("function", "login"), ("agent_user", value)])))
            if !value.isEmpty {
                lines.append(RequestLine(form: form, parameters: Parameters([(value, "v"), ("function", value)])))
            }
        }
        return lines
    }

    @Test(arguments: ReplyForm.allCases)
    func parseGivesTheRenderedLineBack(form: ReplyForm) throws {
        for line in Self.lines(form) {
            let parsed = try RequestLine.parse(Array(line.rendered.utf8)).get()
            #expect(parsed == line, "\(line.rendered)")
            #expect(parsed.parameters.keys == line.parameters.keys)
        }
    }

    @Test func textIsAPercentEncodedQueryStringInTheParametersOrder() {
        let line = RequestLine(form: .text, parameters: Parameters([
            ("function", "recording"), ("agent_user", "a+b@c"), ("value", "START"), ("stage", "_MID CALL!&=%/é~.")]))
        #expect(line.rendered == "function=recording&agent_user=a%2Bb%40c&value=START&stage=_MID%20CALL%21%26%3D%25%2F%C3%A9~.")
    }

    @Test func jsonIsAnObjectOfStringsInTheParametersOrder() {
        let line = RequestLine(form: .json, parameters: Parameters([
            ("function", "recording"), ("agent_user", "1000"), ("value", "START"), ("stage", "a\"b\\c\nd\u{1}é")]))
        #expect(line.rendered == #"{"function":"recording","agent_user":"1000","value":"START","stage":"a\"b\\c\nd\u0001é"}"#)
    }

    @Test func aRenderedLineIsTheRequestItWasBuiltFor() throws {
        let line = RequestLine(form: .json, parameters: Parameters([
            ("function", "login"), ("agent_user", "1000"), ("station", "st1"), ("session_id", "8600051")]))
        let request = try Request.parse(line.rendered).get()
        #expect(request == Request(form: .json, command: .login(Login(agentUser: "1000", station: "st1", sessionID: "8600051"))))
    }
}
