/// Which limit on concurrent recordings a START/BEGIN reached.
public enum RecordingLimit: Sendable, Hashable {
    /// The agent already runs this many recordings (`max_recordings_per_agent`).
    case perAgent(Int)
    /// The daemon already runs this many recordings in all (`max_recordings`).
    case total(Int)
}
