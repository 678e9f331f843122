import Testing
@testable import TapedeckDaemon

@Suite struct LogRateLimiterTests {
    @Test func aBurstIsLoggedThenTheRestCountedAndReportedWithTheNextLine() {
        var limiter = LogRateLimiter<String>(burst: 3, interval: 10)
        let first = (0..<1000).map { i in limiter.admit("a", at: 100 + Double(i) * 0.001) }
        #expect(first.prefix(3) == [.log(suppressed: 0), .log(suppressed: 0), .log(suppressed: 0)])
        #expect(first.dropFirst(3).allSatisfy { $0 == .suppress })
        // The next interval's first line carries the count of the one before.
        #expect(limiter.admit("a", at: 110.5) == .log(suppressed: 997))
        #expect(limiter.admit("a", at: 110.6) == .log(suppressed: 0))
    }

    @Test func keysAreCountedApart() {
        var limiter = LogRateLimiter<String>(burst: 1, interval: 5)
        #expect(limiter.admit("client 1", at: 0) == .log(suppressed: 0))
        #expect(limiter.admit("client 1", at: 1) == .suppress)
        #expect(limiter.admit("client 2", at: 1) == .log(suppressed: 0))
        #expect(limiter.admit("client 2", at: 2) == .suppress)
        #expect(limiter.admit("client 2", at: 3) == .suppress)
        #expect(limiter.expired(at: 4.9).isEmpty)
        let reported = limiter.expired(at: 6.5)
        #expect(reported.count == 2)
        #expect(Dictionary(uniqueKeysWithValues: reported.map { ($0.key, $0.suppressed) }) == ["client 1": 1, "client 2": 2])
        // Reported once; the keys are forgotten.
        #expect(limiter.trackedKeys == 0)
        #expect(limiter.expired(at: 20).isEmpty)
        #expect(limiter.admit("client 1", at: 21) == .log(suppressed: 0))
    }

    @Test func quietKeysAreForgottenWithoutAReport() {
        var limiter = LogRateLimiter<Int>(burst: 5, interval: 1)
        for k in 0..<100 { _ = limiter.admit(k, at: 0) }
        #expect(limiter.trackedKeys == 100)
        #expect(limiter.expired(at: 0.5).isEmpty && limiter.trackedKeys == 100)
        #expect(limiter.expired(at: 1).isEmpty)
        #expect(limiter.trackedKeys == 0)
    }

    @Test func theIntervalStartsAtTheFirstLineNotAtTheLastSuppressedOne() {
        var limiter = LogRateLimiter<String>(burst: 1, interval: 10)
        #expect(limiter.admit("k", at: 0) == .log(suppressed: 0))
        for t in stride(from: 1.0, to: 10, by: 1) { #expect(limiter.admit("k", at: t) == .suppress) }
        // A steady flood still gets one line per interval.
        #expect(limiter.admit("k", at: 10) == .log(suppressed: 9))
    }
}
