import Testing
@testable import TapedeckControl

@Suite struct QueryStringTests {
    func params(_ s: String) -> Parameters? {
        if case .success(let p) = QueryString.parse(s) { return p }
        return nil
    }

    @Test func percentEscapesBothCasesAndPlus() {
        let p = params("a=%41%2f%2F%c3%A9&b=x+y%20z&c=%2B")
        #expect(p?["a"] == "A//é")
        #expect(p?["b"] == "x y z")
        #expect(p?["c"] == "+")
    }

    @Test func keysAreDecodedToo() {
        #expect(params("agent%5Fuser=1000")?["agent_user"] == "1000")
    }

    @Test func emptyPairsSkippedAndMissingEquals() {
        let p = params("&&a=1&&b&=z&c=")
        #expect(p?.keys == ["a", "b", "c"])
        #expect(p?["b"] == "")
        #expect(p?["c"] == "")
    }

    @Test func valueMayContainEquals() {
        #expect(params("a=b=c")?["a"] == "b=c")
    }

    @Test func lastRepeatedKeyWins() {
        let p = params("value=START&value=STOP")
        #expect(p?["value"] == "STOP")
        #expect(p?.keys == ["value"])
    }

    @Test(arguments: ["a=%", "a=%4", "a=%zz", "a=%4g", "%=1", "a=1%"])
    func malformedEscapes(_ s: String) {
        guard case .failure(let f) = QueryString.parse(s), case .malformedQueryString = f else {
            Issue.record("expected malformedQueryString for \(s)")
            return
        }
        #expect(f.code == .invalidRequest)
    }

    @Test func malformedEscapeMessage() {
        #expect(Fixture.failure("function=login&agent_user=10%G0")?.failure
                == .malformedQueryString("malformed percent escape at byte 29"))
    }

    @Test func decodedInvalidUTF8() {
        #expect(QueryString.parse("agent_user=%C3%28") == .failure(.invalidUTF8(.parameter("agent_user"))))
        #expect(QueryString.parse("agent_user=%ED%A0%80") == .failure(.invalidUTF8(.parameter("agent_user"))))
    }

    @Test func rawInvalidUTF8InLine() {
        var line = Array("function=login&agent_user=".utf8)
        line += [0xC0, 0xAF]  // overlong "/"
        #expect(Request.parse(line: line) == .failure(RequestFailure(form: .text, failure: .invalidUTF8(.byte(27)))))
        #expect(Request.parse(line: [0x7B, 0xFF]) == .failure(RequestFailure(form: .json, failure: .invalidUTF8(.byte(2)))))
    }

    @Test func invalidUTF8Replies() {
        let f = RequestFailure(form: .text, failure: .invalidUTF8(.byte(27)))
        #expect(f.rendered(timeZone: Fixture.zone) == "ERROR: invalid UTF-8 - byte 27\n")
        let j = RequestFailure(form: .json, failure: .invalidUTF8(.byte(2)))
        #expect(j.rendered(timeZone: Fixture.zone)
                == #"{"error":{"code":"invalid_utf8","message":"request is not valid UTF-8 (byte 2)"}}"# + "\n")
    }
}
