/// Everything that can go wrong with a request, from framing to the domain.
/// Each case knows its ``ErrorCode``, its text line and its JSON message.
/// The parser produces the first group; the daemon returns the others as
/// ``Reply/failure(_:)``.
public enum ControlError: Error, Sendable, Hashable {
    // Framing and syntax (produced by this library).
    case lineTooLong(limit: Int)
    case incompleteLine
    case invalidUTF8(UTF8Location)
    case invalidJSON(String)
    case malformedQueryString(String)
    /// JSON value that is an array, object, true, false or null.
    case nonScalarValue(parameter: String)
    case missingFunction
    case unknownFunction(String)
    case invalidParameter(InvalidParameter)
    /// Bad `value` for the function (invalid_action).
    case invalidValue(function: FunctionName, value: String, agentUser: String)

    // Domain (produced by the daemon).
    case agentNotLoggedIn(agentUser: String)
    case agentAlreadyLoggedIn(agentUser: String, station: String)
    case unknownStation(station: String, agentUser: String)
    case stationInUse(station: String, agentUser: String, inUseBy: String)
    case stationUnavailable(station: String, agentUser: String, reason: String)
    /// STOP/END (or PAUSE/RESUME/MASK/UNMASK) with nothing running.
    case nothingRunning(RecordingFunction, RecordingVerb, AgentSnapshot)
    /// A second BEGIN while a stereo recording runs.
    case stereoRecordingActive(AgentSnapshot, recordingID: Int64)
    case startFailed(RecordingFunction, AgentSnapshot, reason: String)
    case stopFailed(RecordingFunction, AgentSnapshot, reason: String)
    // Call flow, campaign policies and recording options.
    case recordingDisabled(RecordingFunction, AgentSnapshot)
    /// E.g. RESUME while not paused.
    case invalidState(RecordingFunction, RecordingVerb, AgentSnapshot, reason: String)
    case noRecordingsFound(search: String)
    /// call_status: no logged-in agent's current call has that call_id.
    case callNotFound(callID: String)
    // Resource limits: the first three are written by the daemon on a connection it
    // then closes (always in text form: no request has been read).
    /// The control socket already serves `[control] max_connections` clients.
    case tooManyConnections(limit: Int)
    /// The daemon is out of file descriptors (EMFILE/ENFILE).
    case tooManyOpenFiles
    /// Nothing received for `[control] idle_timeout_seconds`.
    case idleTimeout(seconds: Int)
    /// START/BEGIN over `[recording] max_recordings_per_agent` or `max_recordings`.
    case recordingLimit(RecordingFunction, AgentSnapshot, RecordingLimit)

    public enum UTF8Location: Sendable, Hashable {
        /// 1-based byte position in the line.
        case byte(Int)
        /// A percent-decoded key or value (named by its key).
        case parameter(String)
    }

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
}

/// A missing or malformed parameter (code invalid_request).
public struct InvalidParameter: Sendable, Hashable {
    public enum Problem: Sendable, Hashable {
        case missing
        /// The reason, e.g. "must be 1 to 20 digits".
        case malformed(String)
    }

    /// The request's function when known.
    public var function: FunctionName?
    public var name: String
    public var problem: Problem
    /// The request's agent_user as given (echoed, cleaned, in text lines).
    public var agentUser: String?
    /// The request's `value` as given, for the VICIdial-style line of
    /// recording / stereo_recording / agent_status when agent_user is bad.
    public var value: String?

    public init(function: FunctionName?, name: String, problem: Problem, agentUser: String?, value: String? = nil) {
        self.function = function
        self.name = name
        self.problem = problem
        self.agentUser = agentUser
        self.value = value
    }
}

extension ControlError {
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

/// Which limit on concurrent recordings a START/BEGIN reached.
public enum RecordingLimit: Sendable, Hashable {
    /// The agent already runs this many recordings (`max_recordings_per_agent`).
    case perAgent(Int)
    /// The daemon already runs this many recordings in all (`max_recordings`).
    case total(Int)

    /// "limit of 8 recordings per agent reached" / "limit of 256 recordings reached".
    public var reason: String {
        switch self {
        case .perAgent(let n): "limit of \(n) recordings per agent reached"
        case .total(let n): "limit of \(n) recordings reached"
        }
    }
}
