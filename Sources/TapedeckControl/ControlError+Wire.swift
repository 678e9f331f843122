/// What the protocol makes of an error: the `code` of its JSON reply, and whether the
/// connection closes after it.
extension ControlError {
    public var code: ErrorCode {
        switch self {
        case .lineTooLong: .lineTooLong
        case .incompleteLine: .incompleteLine
        case .invalidUTF8: .invalidUTF8
        case .invalidJSON: .invalidJSON
        case .malformedQueryString, .nonScalarValue, .missingFunction, .invalidParameter: .invalidRequest
        case .unknownFunction: .unknownFunction
        case .invalidValue: .invalidAction
        case .agentNotLoggedIn: .agentNotLoggedIn
        case .agentAlreadyLoggedIn: .agentAlreadyLoggedIn
        case .unknownStation: .unknownStation
        case .stationInUse: .stationInUse
        case .stationUnavailable: .stationUnavailable
        case .nothingRunning: .recordingNotStarted
        case .stereoRecordingActive: .stereoRecordingActive
        case .startFailed: .recordingStartFailed
        case .stopFailed: .recordingStopFailed
        case .recordingDisabled: .recordingDisabled
        case .invalidState: .invalidState
        case .noRecordingsFound: .noRecordingsFound
        case .callNotFound: .callNotFound
        case .tooManyConnections: .tooManyConnections
        case .tooManyOpenFiles: .tooManyOpenFiles
        case .idleTimeout: .idleTimeout
        case .recordingLimit(_, _, .perAgent): .agentRecordingLimit
        case .recordingLimit(_, _, .total): .recordingLimit
        }
    }

    /// True when the daemon must close the connection after writing the
    /// reply: a line over the limit (the rest of the stream cannot be framed)
    /// and a half line at end of input (the client has finished sending).
    public var closesConnection: Bool {
        switch self {
        case .lineTooLong, .incompleteLine, .tooManyConnections, .tooManyOpenFiles, .idleTimeout: true
        default: false
        }
    }
}
