import TapedeckControl

/// The friendlier line printed under a text reply (indented by two spaces), saying what
/// VICIdial's `|`-separated fields mean, from the reply read back by the protocol
/// (``ReplyLine``). Replies it does not know get none.
enum ReplySummary {
    static func summary(of meaning: ReplyLine.Meaning) -> String? {
        switch meaning {
        case .loggedIn(let a):
            return "agent \(a.agentUser) logged in at station \(a.station ?? "") (session \(a.sessionID), agent server \(a.agentServer), status \(a.agentStatus))"
        case .loggedOut(let a):
            return "agent \(a.agentUser) logged out from station \(a.station ?? "") (session \(a.sessionID))"
        case .recordingSent(.recording, .start, let stage, let a):
            return "recording started for agent \(a.agentUser)\(Self.stage(stage))"
        case .recordingSent(.recording, .stop, _, let a):
            return "recordings stopped for agent \(a.agentUser)"
        case .recordingSent(.stereoRecording, .start, let stage, let a):
            return "stereo recording begun for agent \(a.agentUser)\(Self.stage(stage))"
        case .recordingSent(.stereoRecording, .stop, _, let a):
            return "stereo recording ended for agent \(a.agentUser)"
        case .recordingSent:
            return nil
        case .recordingActive(.recording, let id, let filename, _, let startTime, let a):
            return "recording #\(id) active since \(startTime): \(filename)\(context(a))"
        case .recordingActive(.stereoRecording, let id, let filename, _, let startTime, let a):
            return "stereo recording #\(id) active since \(startTime): \(filename)\(context(a))"
        case .notRecording(.recording, let a):
            return "no recording active\(context(a))"
        case .notRecording(.stereoRecording, let a):
            return "no stereo recording active\(context(a))"
        case .recordingError(.recording, .stop, let reason, _):
            return reason.isEmpty ? "nothing to stop: no recording is running" : "stop failed: \(reason)"
        case .recordingError(.stereoRecording, .stop, let reason, _):
            return reason.isEmpty ? "nothing to end: no stereo recording is running" : "end failed: \(reason)"
        case .recordingError(.recording, .start, let reason, _):
            return "start failed: \(reason)"
        case .recordingError(.stereoRecording, .start, let reason, _):
            return "begin failed: \(reason)"
        case .recordingError:
            return nil
        case .stereoRecordingActive(let id, _):
            return "stereo recording #\(id) is already active"
        }
    }

    /// ` (session 8600051, status PAUSED)`.
    private static func context(_ agent: ReplyLine.AgentFields) -> String {
        " (session \(agent.sessionID), status \(agent.agentStatus))"
    }

    private static func stage(_ stage: String) -> String {
        stage.isEmpty ? "" : " (stage \(stage))"
    }

    /// The reply line, then its summary line when there is one.
    static func readable(_ line: String, _ reply: ReplyLine) -> String {
        if let summary = reply.meaning.flatMap(summary(of:)) { return "\(line)\n  \(summary)\n" }
        return "\(line)\n"
    }
}
