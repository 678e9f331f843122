import Testing
import TapedeckVocabulary

@Suite struct EndCauseTests {
    @Test func theWordsTapedeckWrites() {
        #expect(EndCause.known.map(\.rawValue) == ["stopped", "timeout", "silence", "key", "call_end", "logout", "too_short",
                                                 "error", "recovered", "disk_full", "device_lost", "no_audio", "shutdown"])
        #expect(Set(EndCause.known).count == EndCause.known.count)
    }

    @Test(arguments: EndCause.known)
    func rawValuesRoundTrip(_ cause: EndCause) {
        #expect(EndCause(rawValue: cause.rawValue) == cause)
        #expect(EndCause(cause.rawValue) == cause && cause.description == cause.rawValue)
    }

    /// A word of a later version is kept as it is.
    @Test func anyOtherWordRoundTrips() {
        let future: EndCause = "some_future_cause"
        #expect(future.rawValue == "some_future_cause" && !EndCause.known.contains(future))
        #expect(EndCause(rawValue: "stopped") == .stopped)
    }
}
