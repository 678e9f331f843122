import Foundation
import TapedeckVocabulary

/// One recording as the domain reports it (in replies, lookups and events; the protocol
/// renders it as a JSON object, a STATUS line or a lookup line). Filled by the controller
/// from its state or from the log.
public struct RecordingSnapshot: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case mono
        case stereo
        /// `legs=split`: one file per leg.
        case agentLeg = "agent_leg"
        case customerLeg = "customer_leg"
    }

    public enum Status: String, Sendable, Hashable, CaseIterable {
        case started
        case completed
        case failed
        /// Shorter than min_duration, file removed.
        case discarded
    }

    public typealias Format = AudioFormat

    /// recording_id (never reused).
    public var id: Int64
    /// Which function started it (`recording` or `stereo_recording`).
    public var function: RecordingFunction
    public var kind: Kind
    public var status: Status
    public var format: Format
    public var agentUser: String
    public var sessionID: String
    public var station: String
    /// Name without extension.
    public var filename: String
    /// Full path of the final file.
    public var filePath: String
    /// nil renders as JSON null (e.g. while started).
    public var durationSeconds: Double?
    public var sizeBytes: Int64?
    public var stage: Stage?
    public var serverIP: String
    public var startTime: Date
    public var endTime: Date?
    public var createdAt: Date
    public var updatedAt: Date
    // Optional keys: rendered only when set.
    public var callID: String?
    public var leadID: String?
    /// Completion cause: stopped, timeout, silence, key, call_end, logout, too_short, error,
    /// no_audio (``noAudioCause``) …
    public var cause: String?
    public var pausedSeconds: Double?
    public var maskedSeconds: Double?
    /// Why it failed (status failed).
    public var failureReason: String?
    /// Started by the call's campaign policy (ALLCALLS, ALLFORCE, campaign_stereo), not by
    /// a request: JSON `"origin":"campaign"`, and `campaign` in the log's `function` column.
    public var byCampaign = false
    /// SHA-256 (lower-case hex) of the final file, once there is one.
    public var sha256: String?
    /// The recording's own webhook callback (START's `event_url`); not part of its JSON.
    public var eventURL: String? = nil

    /// The cause of a recording whose device delivered no audio while it ran (status failed,
    /// `reason` saying so): never a silent success.
    public static let noAudioCause = EndCause.noAudio.rawValue

    /// The device delivered no audio while this recording ran.
    public var hadNoAudio: Bool { cause == Self.noAudioCause }

    /// The JSON `origin` and the log's `function` of a recording a campaign policy started.
    public static let campaignOrigin = "campaign"

    public init(id: Int64, function: RecordingFunction, kind: Kind, status: Status, format: Format,
                agentUser: String, sessionID: String, station: String, filename: String, filePath: String,
                durationSeconds: Double? = nil, sizeBytes: Int64? = nil, stage: Stage? = nil,
                serverIP: String, startTime: Date, endTime: Date? = nil, createdAt: Date, updatedAt: Date,
                callID: String? = nil, leadID: String? = nil, cause: String? = nil,
                pausedSeconds: Double? = nil, maskedSeconds: Double? = nil, failureReason: String? = nil,
                sha256: String? = nil) {
        self.sha256 = sha256
        self.id = id
        self.function = function
        self.kind = kind
        self.status = status
        self.format = format
        self.agentUser = agentUser
        self.sessionID = sessionID
        self.station = station
        self.filename = filename
        self.filePath = filePath
        self.durationSeconds = durationSeconds
        self.sizeBytes = sizeBytes
        self.stage = stage
        self.serverIP = serverIP
        self.startTime = startTime
        self.endTime = endTime
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.callID = callID
        self.leadID = leadID
        self.cause = cause
        self.pausedSeconds = pausedSeconds
        self.maskedSeconds = maskedSeconds
        self.failureReason = failureReason
    }
}
