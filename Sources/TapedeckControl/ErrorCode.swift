/// The `code` of a JSON error reply (`{"error":{"code":"…","message":"…"}}`).
public enum ErrorCode: String, Sendable, Hashable, CaseIterable {
    // The control socket's first codes.
    case invalidJSON = "invalid_json"
    case invalidRequest = "invalid_request"
    case invalidAction = "invalid_action"
    case unknownFunction = "unknown_function"
    case agentNotLoggedIn = "agent_not_logged_in"
    case recordingNotStarted = "recording_not_started"
    case stereoRecordingActive = "stereo_recording_active"
    case recordingStartFailed = "recording_start_failed"
    case recordingStopFailed = "recording_stop_failed"
    case unknownStation = "unknown_station"
    case stationInUse = "station_in_use"
    case stationUnavailable = "station_unavailable"
    // Additional codes (documented in docs/protocol.md).
    case lineTooLong = "line_too_long"
    case invalidUTF8 = "invalid_utf8"
    case incompleteLine = "incomplete_line"
    case agentAlreadyLoggedIn = "agent_already_logged_in"
    // Call flow, campaign policies and recording options.
    case recordingDisabled = "recording_disabled"
    case invalidState = "invalid_state"
    case noRecordingsFound = "no_recordings_found"
    case callNotFound = "call_not_found"
    // Resource limits (docs/operations.md, "Limits").
    case tooManyConnections = "too_many_connections"
    case tooManyOpenFiles = "too_many_open_files"
    case idleTimeout = "idle_timeout"
    case agentRecordingLimit = "agent_recording_limit"
    case recordingLimit = "recording_limit"
}
