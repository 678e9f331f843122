import Testing
@testable import TapedeckControl

@Suite struct LineFramerTests {
    func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    @Test func splitsLinesWithLFAndCRLF() {
        var framer = LineFramer()
        let out = framer.feed(bytes("a=1\nb=2\r\nc=3\n"))
        #expect(out == [.line(bytes("a=1")), .line(bytes("b=2")), .line(bytes("c=3"))])
        #expect(framer.finish() == [])
    }

    @Test func lineSplitAcrossFeeds() {
        var framer = LineFramer()
        #expect(framer.feed(bytes("function=rec")) == [])
        #expect(framer.feed(bytes("ording&value=START\r")) == [])
        #expect(framer.feed(bytes("\nnext")) == [.line(bytes("function=recording&value=START"))])
        #expect(framer.feed(bytes("\n")) == [.line(bytes("next"))])
    }

    @Test func emptyLineIsALine() {
        var framer = LineFramer()
        #expect(framer.feed(bytes("\n\r\n")) == [.line([]), .line([])])
    }

    @Test func exactlyTheLimitIsAccepted() {
        var framer = LineFramer()
        let line = [UInt8](repeating: UInt8(ascii: "a"), count: 8192)
        #expect(framer.feed(line) == [])
        #expect(framer.feed([0x0A]) == [.line(line)])
        #expect(!framer.isClosed)
    }

    @Test func exactlyTheLimitWithCRLFIsAccepted() {
        var framer = LineFramer()
        let line = [UInt8](repeating: UInt8(ascii: "a"), count: 8192)
        #expect(framer.feed(line + [0x0D]) == [])
        #expect(framer.feed([0x0A]) == [.line(line)])
    }

    @Test func oneByteOverTheLimitIsRefusedAtOnce() {
        var framer = LineFramer()
        let line = [UInt8](repeating: UInt8(ascii: "a"), count: 8193)
        #expect(framer.feed(line) == [.lineTooLong(.text)])
        #expect(framer.isClosed)
        #expect(framer.feed(bytes("x\n")) == [])
        #expect(framer.finish() == [])
    }

    @Test func overTheLimitInOneChunkWithNewline() {
        var framer = LineFramer()
        let line = [UInt8](repeating: UInt8(ascii: "a"), count: 8192) + [0x0D, 0x0D]
        #expect(framer.feed(bytes("ok\n") + line + [0x0A]) == [.line(bytes("ok")), .lineTooLong(.text)])
    }

    @Test func limitPlusCRThenOtherByteIsRefused() {
        var framer = LineFramer()
        let line = [UInt8](repeating: UInt8(ascii: "a"), count: 8192) + [0x0D]
        #expect(framer.feed(line) == [])
        #expect(framer.feed(bytes("b")) == [.lineTooLong(.text)])
    }

    @Test func tooLongJSONLineRepliesInJSON() {
        var framer = LineFramer(maximumLineLength: 10)
        #expect(framer.feed(bytes("  {\"function\":\"x\"}")) == [.lineTooLong(.json)])
    }

    @Test func halfLineAtEOF() {
        var framer = LineFramer()
        #expect(framer.feed(bytes("a=1\n{\"function\"")) == [.line(bytes("a=1"))])
        #expect(framer.finish() == [.incompleteLine(.json, bytes("{\"function\""))])
        #expect(framer.isClosed)
    }

    @Test func cleanEOF() {
        var framer = LineFramer()
        _ = framer.feed(bytes("a=1\n"))
        #expect(framer.finish() == [])
    }
}
