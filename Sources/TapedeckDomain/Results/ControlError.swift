/// Everything that can go wrong with a request, from framing to the domain.
/// The protocol (TapedeckControl) parses requests into the first group and gives each
/// case its error code, text line and JSON message; the domain and the daemon return
/// the others as ``Reply/failure(_:)``.
public enum ControlError: Error, Sendable, Hashable {
    // Framing and syntax (produced by the protocol's parser).
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

    // Domain (produced by the controller and the daemon).
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
}
