/// Every `function=` value the protocol knows (a parse error names the request's function).
public enum FunctionName: String, Sendable, Hashable, CaseIterable {
    case login
    case logout
    case agentStatus = "agent_status"
    case recording
    case stereoRecording = "stereo_recording"
    case subscribe
    case callStart = "call_start"
    case callEnd = "call_end"
    case recordingLookup = "recording_lookup"
    /// The agent and fields of the call with that `call_id` (read only).
    case callStatus = "call_status"
    // Monitoring: answered by the daemon itself (TapedeckControl's `Probe`), never a ``Command``.
    case metrics
    case health
}
