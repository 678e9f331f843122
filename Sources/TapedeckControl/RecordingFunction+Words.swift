/// The words of the `value` parameter and of error lines for each recording function.
extension RecordingFunction {
    /// The `value` word for a verb: START/STOP for recording, BEGIN/END for stereo.
    public func word(for verb: RecordingVerb) -> String {
        switch (self, verb) {
        case (.recording, .start): "START"
        case (.recording, .stop): "STOP"
        case (.stereoRecording, .start): "BEGIN"
        case (.stereoRecording, .stop): "END"
        case (_, .status): "STATUS"
        case (_, .pause): "PAUSE"
        case (_, .resume): "RESUME"
        case (_, .mask): "MASK"
        case (_, .unmask): "UNMASK"
        }
    }

    /// The verb in error lines: `start recording error`, `begin stereo_recording error`,
    /// `stop … error` (for both STOP and END), `pause … error`, …
    public func errorVerb(for verb: RecordingVerb) -> String {
        switch (self, verb) {
        case (.stereoRecording, .start): "begin"
        default: verb.rawValue
        }
    }

    public func verb(forWord word: String) -> RecordingVerb? {
        RecordingVerb.allCases.first { self.word(for: $0) == word }
    }
}
