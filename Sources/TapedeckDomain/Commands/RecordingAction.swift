public enum RecordingAction: Sendable, Hashable {
    /// START / BEGIN, with the stage and options.
    case start(StartOptions)
    /// STOP / END.
    case stop
    case status
    // Pause and mask (see docs/recording.md).
    case pause(PauseBehavior)
    case resume
    case mask
    case unmask

    public var verb: RecordingVerb {
        switch self {
        case .start: .start
        case .stop: .stop
        case .status: .status
        case .pause: .pause
        case .resume: .resume
        case .mask: .mask
        case .unmask: .unmask
        }
    }
}
