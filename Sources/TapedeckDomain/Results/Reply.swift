/// The outcome of one request: the controller's answer to a ``Command`` (the daemon
/// answers metrics and health itself). The protocol (TapedeckControl) renders it in the
/// request's form, as a text line (Reply+Text.swift) or a JSON object (Reply+JSON.swift).
public enum Reply: Sendable, Hashable {
    case loggedIn(AgentSnapshot)
    /// Logout, with the recordings it ended (finalised).
    case loggedOut(AgentSnapshot, completed: [RecordingSnapshot])
    /// agent_status; the snapshot holds the new status.
    case agentStatusSet(AgentSnapshot)
    /// START/BEGIN: the new recording (its function, stage used for the text line).
    case recordingStarted(AgentSnapshot, RecordingSnapshot)
    /// STOP/END: the recordings it completed (non-empty; none is ``ControlError/nothingRunning(_:_:_:)``).
    case recordingStopped(RecordingFunction, AgentSnapshot, completed: [RecordingSnapshot])
    /// STATUS: the agent's active recordings of that function (may be empty).
    /// The text line names the most recently started one.
    case recordingStatus(RecordingFunction, AgentSnapshot, active: [RecordingSnapshot])
    /// PAUSE / RESUME / MASK / UNMASK and the recordings affected.
    case recordingControlled(RecordingFunction, RecordingVerb, AgentSnapshot, affected: [RecordingSnapshot])
    /// subscribe: events follow on this connection.
    case subscribed
    /// call_start / call_end.
    case callStarted(AgentSnapshot, CallStart)
    case callEnded(AgentSnapshot, callID: String?, completed: [RecordingSnapshot])
    /// call_status: the agent whose current call has that call_id, and the call.
    case callStatus(AgentSnapshot, CallStart)
    /// recording_lookup (newest first; empty renders the not-found error in text).
    case lookupResults(RecordingLookup, [RecordingSnapshot])
    /// function=metrics, the Prometheus text exposition (lines ending in `\n`, no
    /// empty line). The text form is that text then an empty line.
    case metrics(String)
    /// function=health.
    case health(HealthSnapshot)
    case failure(ControlError)

    public var isFailure: Bool {
        if case .failure = self { return true }
        return false
    }
}

extension Reply {
    /// The active recording STATUS names: latest start time, then highest id.
    public static func mostRecent(_ recordings: [RecordingSnapshot]) -> RecordingSnapshot? {
        recordings.max { a, b in
            a.startTime != b.startTime ? a.startTime < b.startTime : a.id < b.id
        }
    }
}
