import TapedeckControl

/// A logged-in agent: the station, the login's fields, and the recordings running.
struct AgentSession: Sendable {
    var agent: AgentSnapshot
    /// Running recordings, oldest first.
    var recordings: [LiveRecording] = []

    func active(_ function: RecordingFunction) -> [LiveRecording] {
        recordings.filter { $0.snapshot.function == function }
    }
}

/// A recording that is running: what the protocol shows of it, and the backend's handle.
struct LiveRecording: Sendable {
    var snapshot: RecordingSnapshot
    let handle: any RecordingHandle

    /// The snapshot with the duration so far.
    var current: RecordingSnapshot {
        var s = snapshot
        s.durationSeconds = handle.secondsWritten
        return s
    }
}
