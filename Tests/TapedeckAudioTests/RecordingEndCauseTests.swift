import Testing
import TapedeckVocabulary
@testable import TapedeckAudio

/// A recording that ends by itself gives its row the vocabulary's word for why.
@Suite struct RecordingEndCauseTests {
    @Test func causesAreTheVocabularysWords() {
        #expect(RecordingEndCause.timeout.endCause == .timeout)
        #expect(RecordingEndCause.silence.endCause == .silence)
        #expect(RecordingEndCause.key.endCause == .key)
        for cause in [RecordingEndCause.timeout, .silence, .key] { #expect(cause.rawValue == cause.endCause.rawValue) }
    }
}
