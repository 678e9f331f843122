import Foundation

/// A logged-in agent: the station, the login's fields, the current call, and the
/// recordings running.
struct AgentSession: Sendable {
    var agent: AgentSnapshot
    /// Identifies this login among the agent's logins.
    let serial: Int
    /// Running recordings, oldest first.
    var recordings: [LiveRecording] = []
    /// STARTs in flight: they count against the limits until they commit or roll back.
    var reserved: [StartReservation] = []
    /// The call in progress (`call_start` … `call_end`).
    var call: CallContext?

    /// The recordings a function's requests see: campaign stereo recordings are not
    /// shown by stereo_recording STATUS nor ended by END.
    func active(_ function: RecordingFunction) -> [LiveRecording] {
        recordings.filter { $0.snapshot.function == function && !($0.origin == .campaign && $0.snapshot.kind == .stereo) }
    }

    /// Recordings running or reserved: what the limits count.
    var recordingCount: Int { recordings.count + reserved.count }
}

/// A call on an agent session, with its campaign's recording policy.
struct CallContext: Sendable {
    var call: CallStart
    var startedAt: Date
    /// Identifies this call among the session's calls (call_id may be absent).
    let serial: Int
}

/// Who started a recording.
enum RecordingOrigin: Sendable, Equatable {
    /// The API: recording START or stereo_recording BEGIN.
    case api
    /// The campaign's ALLCALLS / ALLFORCE policy.
    case campaign
}

/// A recording that is running: what the protocol shows of it, and the backend's handle.
struct LiveRecording: Sendable {
    var snapshot: RecordingSnapshot
    /// With `legs=split`: the agent's and the customer's leg files.
    var legs: [RecordingSnapshot] = []
    let handle: any RecordingHandle
    var origin: RecordingOrigin = .api
    /// ALLFORCE: only call_end or logout end it.
    var forced = false
    var paused = false
    var masked = false
    /// Shorter than this is discarded (`min_duration`).
    var minDurationSeconds: Double?
    /// The call it belongs to (its serial), if it started during one.
    var callSerial: Int?

    /// The snapshot with the duration so far.
    var current: RecordingSnapshot {
        var s = snapshot
        s.durationSeconds = handle.secondsWritten
        return s
    }
}
