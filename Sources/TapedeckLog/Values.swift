import Foundation

/// Where a recording stands. Stored in `recording_log.status`; the schema
/// refuses any other word.
public enum RecordingStatus: String, Sendable, Hashable, CaseIterable, Codable {
    /// Written when the recording starts; the row is still open.
    case started
    /// Ended normally; the file is final.
    case completed
    /// Ended by an error (see `cause` and `error`); the file may be partial or missing.
    case failed
    /// Ended, then thrown away on purpose (e.g. shorter than `min_duration`):
    /// the file is removed, the row is kept.
    case discarded

    /// Every status except `started`: what a completion may set.
    public var isFinal: Bool { self != .started }
}

/// Why a recording ended (`recording_log.cause`). A free-text column: the
/// constants below are the words Tapedeck writes, and any other word round-trips.
public struct CompletionCause: RawRepresentable, Sendable, Hashable, Codable,
                               ExpressibleByStringLiteral, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }

    /// STOP / END from the API.
    public static let stopped: CompletionCause = "stopped"
    /// The option `timeout` or the global recording limit.
    public static let timeout: CompletionCause = "timeout"
    /// `end_on_silence`.
    public static let silence: CompletionCause = "silence"
    /// `end_on_key` (a DTMF key on the customer leg).
    public static let key: CompletionCause = "key"
    /// `function=call_end`.
    public static let callEnd: CompletionCause = "call_end"
    /// `function=logout`.
    public static let logout: CompletionCause = "logout"
    /// Shorter than `min_duration` (status `discarded`).
    public static let tooShort: CompletionCause = "too_short"
    /// Any other failure (details in `error`).
    public static let error: CompletionCause = "error"
    /// Closed at start-up: the daemon died while the row was open.
    public static let recovered: CompletionCause = "recovered"
    /// The spool's file system filled up.
    public static let diskFull: CompletionCause = "disk_full"
    /// The capture device went away.
    public static let deviceLost: CompletionCause = "device_lost"
    /// The capture device delivered no audio while the recording ran (status `failed`).
    public static let noAudio: CompletionCause = "no_audio"
    /// The daemon was asked to stop (SIGTERM) and finalised its recordings.
    public static let shutdown: CompletionCause = "shutdown"
}
