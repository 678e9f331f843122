/// A request's `function` with its validated parameters.
public enum Command: Sendable, Hashable {
    case login(Login)
    case logout(agentUser: String)
    /// `function=agent_status&value=WORD`.
    case agentStatus(agentUser: String, status: String)
    /// `function=recording` or `function=stereo_recording`.
    case recording(RecordingCommand)
    case subscribe
    // Call flow and lookups.
    case callStart(CallStart)
    case callEnd(agentUser: String)
    case recordingLookup(RecordingLookup)
    /// `function=call_status&call_id=…`: which agent has that call now.
    case callStatus(callID: String)

    /// The wire name of the function.
    public var functionName: FunctionName {
        switch self {
        case .login: .login
        case .logout: .logout
        case .agentStatus: .agentStatus
        case .recording(let r): r.function == .recording ? .recording : .stereoRecording
        case .subscribe: .subscribe
        case .callStart: .callStart
        case .callEnd: .callEnd
        case .recordingLookup: .recordingLookup
        case .callStatus: .callStatus
        }
    }
}
