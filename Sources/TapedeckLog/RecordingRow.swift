import Foundation
import GRDB

/// One row of `recording_log`, every column. Swift names follow the daemon's
/// vocabulary; each property names its column.
public struct RecordingRow: Sendable, Hashable {
    /// `recording_id`: never reused.
    public var id: Int64
    /// `channel`.
    public var station: String
    /// `server_ip`.
    public var serverIP: String
    /// `extension`.
    public var sessionID: String
    /// `start_time`: local `YYYY-MM-DD HH:MM:SS`.
    public var startTime: String
    /// `start_epoch`.
    public var startEpoch: Int64
    /// `end_time`; nil while started.
    public var endTime: String?
    /// `end_epoch`; nil while started.
    public var endEpoch: Int64?
    /// `length_in_sec`; nil while started.
    public var lengthInSec: Int64?
    /// `length_in_min`: length_in_sec / 60 rounded to 2 decimals; nil while started.
    public var lengthInMin: Double?
    /// `filename`: without extension.
    public var filename: String
    /// `location`: full path.
    public var location: String
    /// `lead_id`.
    public var leadID: String?
    /// `user`.
    public var agentUser: String
    /// `vicidial_id`.
    public var callID: String?
    /// `kind`.
    public var kind: String
    /// `function`.
    public var function: String
    /// `format`.
    public var format: String
    /// `stage`.
    public var stage: String?
    /// `status`.
    public var status: RecordingStatus
    /// `cause`; nil while started.
    public var cause: CompletionCause?
    /// `size_bytes`.
    public var sizeBytes: Int64?
    /// `duration_seconds`.
    public var durationSeconds: Double?
    /// `paused_seconds`; nil while started.
    public var pausedSeconds: Double?
    /// `masked_seconds`; nil while started.
    public var maskedSeconds: Double?
    /// `frames_lost`; nil while started.
    public var framesLost: Int64?
    /// `error`.
    public var error: String?
    /// `created_at`: ISO 8601 with offset.
    public var createdAt: String
    /// `updated_at`: ISO 8601 with offset.
    public var updatedAt: String
    /// `sha256`: the final file's SHA-256 in lower-case hex; nil without a file.
    public var sha256: String?
    /// `repaired_at`: ISO 8601; set when the daemon repaired the file before closing the row.
    public var repairedAt: String?
    /// `repaired_from_sha256`: the file's SHA-256 before that repair.
    public var repairedFromSHA256: String?
    /// `chain_seq`: the row's position in the hash chain (1, 2, …); nil while started.
    public var chainSeq: Int64?
    /// `prev_hash`: the previous closed row's `row_hash` (``RowHash/genesis`` for the first).
    public var prevHash: String?
    /// `row_hash`: ``RowHash`` over this row's fields.
    public var rowHash: String?
    /// `event_url`: the recording's own webhook callback (a START's `event_url`), if any.
    public var eventURL: String?

    public init(id: Int64, station: String, serverIP: String, sessionID: String, startTime: String,
                startEpoch: Int64, endTime: String?, endEpoch: Int64?, lengthInSec: Int64?, lengthInMin: Double?,
                filename: String, location: String, leadID: String?, agentUser: String, callID: String?,
                kind: String, function: String, format: String, stage: String?, status: RecordingStatus,
                cause: CompletionCause?, sizeBytes: Int64?, durationSeconds: Double?, pausedSeconds: Double?,
                maskedSeconds: Double?, framesLost: Int64?, error: String?, createdAt: String, updatedAt: String,
                sha256: String? = nil, repairedAt: String? = nil, repairedFromSHA256: String? = nil,
                chainSeq: Int64? = nil, prevHash: String? = nil, rowHash: String? = nil) {
        self.sha256 = sha256
        self.repairedAt = repairedAt
        self.repairedFromSHA256 = repairedFromSHA256
        self.chainSeq = chainSeq
        self.prevHash = prevHash
        self.rowHash = rowHash
        self.id = id
        self.station = station
        self.serverIP = serverIP
        self.sessionID = sessionID
        self.startTime = startTime
        self.startEpoch = startEpoch
        self.endTime = endTime
        self.endEpoch = endEpoch
        self.lengthInSec = lengthInSec
        self.lengthInMin = lengthInMin
        self.filename = filename
        self.location = location
        self.leadID = leadID
        self.agentUser = agentUser
        self.callID = callID
        self.kind = kind
        self.function = function
        self.format = format
        self.stage = stage
        self.status = status
        self.cause = cause
        self.sizeBytes = sizeBytes
        self.durationSeconds = durationSeconds
        self.pausedSeconds = pausedSeconds
        self.maskedSeconds = maskedSeconds
        self.framesLost = framesLost
        self.error = error
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// `start_epoch` as a Date (whole seconds).
    public var startDate: Date { Date(timeIntervalSince1970: TimeInterval(startEpoch)) }
    /// `end_epoch` as a Date (whole seconds).
    public var endDate: Date? { endEpoch.map { Date(timeIntervalSince1970: TimeInterval($0)) } }
    /// `created_at` parsed (whole seconds).
    public var createdDate: Date? { LogTime.parseISO8601(createdAt) }
    /// `updated_at` parsed (whole seconds).
    public var updatedDate: Date? { LogTime.parseISO8601(updatedAt) }
}

extension RecordingRow: FetchableRecord {
    /// Throws (never traps) on a row this build cannot read.
    public init(row: Row) throws {
        func col<T: DatabaseValueConvertible>(_ name: String) throws -> T { try row.decode(forColumn: name) }
        let id: Int64 = try col("recording_id")
        let statusWord: String = try col("status")
        guard let status = RecordingStatus(rawValue: statusWord) else {
            throw RecordingLogError.corruptRow(id: id, reason: "unknown status \(statusWord)")
        }
        let cause: String? = try col("cause")
        self.init(
            id: id, station: try col("channel"), serverIP: try col("server_ip"), sessionID: try col("extension"),
            startTime: try col("start_time"), startEpoch: try col("start_epoch"), endTime: try col("end_time"),
            endEpoch: try col("end_epoch"), lengthInSec: try col("length_in_sec"),
            lengthInMin: try col("length_in_min"), filename: try col("filename"), location: try col("location"),
            leadID: try col("lead_id"), agentUser: try col("user"), callID: try col("vicidial_id"),
            kind: try col("kind"), function: try col("function"), format: try col("format"),
            stage: try col("stage"), status: status, cause: cause.map { CompletionCause(rawValue: $0) },
            sizeBytes: try col("size_bytes"), durationSeconds: try col("duration_seconds"),
            pausedSeconds: try col("paused_seconds"), maskedSeconds: try col("masked_seconds"),
            framesLost: try col("frames_lost"), error: try col("error"), createdAt: try col("created_at"),
            updatedAt: try col("updated_at"), sha256: try col("sha256"), repairedAt: try col("repaired_at"),
            repairedFromSHA256: try col("repaired_from_sha256"), chainSeq: try col("chain_seq"),
            prevHash: try col("prev_hash"), rowHash: try col("row_hash"))
        eventURL = try col("event_url")
    }
}
