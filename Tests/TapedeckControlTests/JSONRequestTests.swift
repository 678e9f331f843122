import Testing
@testable import TapedeckControl

@Suite struct JSONRequestTests {
    func params(_ s: String) -> Result<Parameters, ControlError> { JSONObjectParser.parse(s) }

    @Test func stringsAndNumbers() throws {
        let p = try params(#"{"function":"login","session_id":8600051,"a":-0,"b":1.50,"c":2.5e1,"d":25E-1,"e":1e-3,"f":-12.0}"#).get()
        #expect(p["session_id"] == "8600051")
        #expect(p["a"] == "0")
        #expect(p["b"] == "1.5")
        #expect(p["c"] == "25")
        #expect(p["d"] == "2.5")
        #expect(p["e"] == "0.001")
        #expect(p["f"] == "-12")
    }

    @Test func escapesInStrings() throws {
        let p = try params(#"{"a":"q\"b\\s\/n\nt\tu\u00e9\ud83d\ude00"}"#).get()
        #expect(p["a"] == "q\"b\\s/n\nt\tué😀")
    }

    @Test func lastRepeatedKeyWins() throws {
        #expect(try params(#"{"value":"START","value":"STOP"}"#).get()["value"] == "STOP")
    }

    @Test(arguments: [
        #"{"#, #"{"a":}"#, #"{"a":"b",}"#, #"{"a":"b"} x"#, #"{a:"b"}"#, #"{"a":'b'}"#,
        #"{"a":01}"#, #"{"a":1.}"#, #"{"a":"\x"}"#, #"{"a":"\ud800"}"#, #"{"a":"\udc00x"}"#,
        "{\"a\":\"tab\there\"}", #"{"a":tru}"#, #"{"a":"b"}{"#, #"{"a":+1}"#, #"{"a":"b" "c":"d"}"#,
    ])
    func invalidJSON(_ s: String) {
        guard case .failure(.invalidJSON) = params(s) else {
            Issue.record("expected invalid_json for \(s)")
            return
        }
    }

    @Test(arguments: [#"{"a":null}"#, #"{"a":true}"#, #"{"a":[1]}"#, #"{"a":{"b":"c"}}"#, #"{"a":false}"#])
    func nonScalarValuesAreInvalidRequests(_ s: String) {
        #expect(params(s) == .failure(.nonScalarValue(parameter: "a")))
    }

    @Test func tooDeepIsInvalidJSON() {
        let s = "{\"a\":" + String(repeating: "[", count: 40) + String(repeating: "]", count: 40) + "}"
        guard case .failure(.invalidJSON) = params(s) else {
            Issue.record("expected invalid_json")
            return
        }
    }

    @Test func hugeNumberIsInvalidRequest() {
        guard case .failure(let f) = params(#"{"a":1e100}"#) else { Issue.record("expected failure"); return }
        #expect(f.code == .invalidRequest)
    }

    @Test func badJSONRepliesInJSON() {
        let f = Fixture.failure(#"  {"function":"recording","#)
        #expect(f?.form == .json)
        #expect(f?.failure.code == .invalidJSON)
        #expect(f?.rendered(timeZone: Fixture.zone)
                == #"{"error":{"code":"invalid_json","message":"invalid JSON: expected a string key at end of input"}}"# + "\n")
    }

    @Test func jsonRequestParses() {
        let r = Fixture.parse(#"{"function":"recording","agent_user":"1000","value":"START","stage":"_MIDCALL","user":"x","pass":"y","source":"z"}"#)
        #expect(r == .success(Request(form: .json, command: .recording(RecordingCommand(
            function: .recording, agentUser: "1000",
            action: .start(StartOptions(stage: Stage(sanitizing: "_MIDCALL"))))))))
    }

    @Test func jsonNumberSessionID() {
        #expect(Fixture.command(#"{"function":"login","agent_user":1000,"station":"st1","session_id":8600051}"#)
                == .login(Login(agentUser: "1000", station: "st1", sessionID: "8600051")))
    }

    @Test func nestedValueReply() {
        #expect(Fixture.failure(#"{"function":"login","agent_user":["1000"]}"#)?.rendered(timeZone: Fixture.zone)
                == #"{"error":{"code":"invalid_request","message":"agent_user must be a string or a number"}}"# + "\n")
    }
}

@Suite struct NonObjectTests {
    @Test func topLevelNonObjects() {
        // Only a line starting with "{" is JSON; an array line is a (useless) query string.
        #expect(Fixture.failure(#"["function","login"]"#) == RequestFailure(form: .text, failure: .missingFunction))
        #expect(JSONObjectParser.parse(#""x""#) == .failure(.invalidJSON("expected an object")))
        #expect(JSONObjectParser.parse("[1]") == .failure(.invalidJSON("expected an object")))
    }

    @Test func multiByteCharacterSplitAcrossFeeds() {
        var framer = LineFramer()
        let bytes = Array(#"{"function":"é"}"#.utf8)
        let cut = bytes.firstIndex(of: 0xC3)! + 1
        #expect(framer.feed(bytes[..<cut]) == [])
        let out = framer.feed(Array(bytes[cut...]) + [0x0A])
        guard case .line(let line)? = out.first else { Issue.record("no line"); return }
        #expect(Request.parse(line: line) == .failure(RequestFailure(form: .json, failure: .unknownFunction("é"))))
    }
}
