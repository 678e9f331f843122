import Foundation

/// What is known when a recording starts: the row ``RecordingLog/insertStarted(_:)`` writes.
public struct NewRecording: Sendable, Hashable {
    /// `channel`: the station.
    public var station: String
    /// `server_ip`: this box's address.
    public var serverIP: String
    /// `extension`: the agent's session_id (conference number).
    public var sessionID: String
    /// `user`: the agent_user.
    public var agentUser: String
    /// When the recording's audio begins. Stored as `start_epoch` (whole
    /// seconds, floor) and `start_time` (local `YYYY-MM-DD HH:MM:SS`).
    public var startedAt: Date
    /// `filename`: the name without extension.
    public var filename: String
    /// `location`: the full path of the final file.
    public var location: String
    /// `kind`: mono, stereo, agent_leg, customer_leg (free text).
    public var kind: String
    /// `function`: recording, stereo_recording or campaign (free text).
    public var function: String
    /// `format`: wav or mp3 (free text).
    public var format: String
    /// `stage`: the sanitised stage, nil when none was given.
    public var stage: String?
    /// `lead_id`: from the current call, nil outside a call.
    public var leadID: String?
    /// `vicidial_id`: the call_id of the current call, nil outside a call.
    public var callID: String?
    /// `event_url`: the recording's own webhook callback, if its START named one.
    public var eventURL: String?

    public init(station: String, serverIP: String, sessionID: String, agentUser: String, startedAt: Date,
                filename: String, location: String, kind: String, function: String, format: String,
                stage: String? = nil, leadID: String? = nil, callID: String? = nil, eventURL: String? = nil) {
        self.eventURL = eventURL
        self.station = station
        self.serverIP = serverIP
        self.sessionID = sessionID
        self.agentUser = agentUser
        self.startedAt = startedAt
        self.filename = filename
        self.location = location
        self.kind = kind
        self.function = function
        self.format = format
        self.stage = stage
        self.leadID = leadID
        self.callID = callID
    }
}

/// What is known when a recording ends: what ``RecordingLog/complete(id:_:)`` writes.
public struct RecordingCompletion: Sendable, Hashable {
    /// When it ended: `end_epoch` (floor) and `end_time`.
    public var endedAt: Date
    /// completed, failed or discarded (never started).
    public var status: RecordingStatus
    public var cause: CompletionCause
    /// Seconds of audio in the file (`duration_seconds`); nil when there is no
    /// usable file. `length_in_sec` is this, rounded; without it, end_epoch − start_epoch.
    public var durationSeconds: Double?
    /// Size of the final file (`size_bytes`); nil when there is none.
    public var sizeBytes: Int64?
    public var pausedSeconds: Double
    public var maskedSeconds: Double
    /// Frames the writer could not take from the ring (0 on a clean recording).
    public var framesLost: Int64
    /// Why it failed, in words (`error`).
    public var error: String?
    /// SHA-256 of the final file, lower-case hex (`sha256`); nil when there is none.
    public var sha256: String?
    /// Set when the daemon repaired the file in place before closing the row
    /// (`repaired_at` is then the row's close time).
    public var repair: Repair?

    /// A repair of the file by the daemon: the file's SHA-256 before it (`repaired_from_sha256`).
    public struct Repair: Sendable, Hashable {
        public var originalSHA256: String?
        public init(originalSHA256: String?) { self.originalSHA256 = originalSHA256 }
    }

    public init(endedAt: Date, status: RecordingStatus, cause: CompletionCause, durationSeconds: Double?,
                sizeBytes: Int64?, pausedSeconds: Double = 0, maskedSeconds: Double = 0,
                framesLost: Int64 = 0, error: String? = nil, sha256: String? = nil, repair: Repair? = nil) {
        self.sha256 = sha256
        self.repair = repair
        self.endedAt = endedAt
        self.status = status
        self.cause = cause
        self.durationSeconds = durationSeconds
        self.sizeBytes = sizeBytes
        self.pausedSeconds = pausedSeconds
        self.maskedSeconds = maskedSeconds
        self.framesLost = framesLost
        self.error = error
    }
}

/// A `function=recording_lookup` search. Every filter that is set must match;
/// no filter at all matches every row (the API layer requires at least one).
public struct RecordingQuery: Sendable, Hashable {
    /// `user`.
    public var agentUser: String?
    /// `lead_id`, compared as text.
    public var leadID: String?
    /// `vicidial_id`.
    public var callID: String?
    /// `YYYY-MM-DD`: rows whose `start_time` falls on that local date.
    public var date: String?
    public var recordingID: Int64?
    /// At most this many rows (newest first); nil or anything above the log's
    /// cap means the cap (``RecordingLog/defaultLookupCap``, 100,000).
    public var limit: Int?

    public init(agentUser: String? = nil, leadID: String? = nil, callID: String? = nil, date: String? = nil,
                recordingID: Int64? = nil, limit: Int? = nil) {
        self.agentUser = agentUser
        self.leadID = leadID
        self.callID = callID
        self.date = date
        self.recordingID = recordingID
        self.limit = limit
    }

    /// True when no filter is set.
    public var hasNoFilter: Bool {
        agentUser == nil && leadID == nil && callID == nil && date == nil && recordingID == nil
    }
}
