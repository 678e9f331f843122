import Foundation
import TapedeckVocabulary

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

/// Why a recording ended (`recording_log.cause`): the vocabulary's ``EndCause``, a
/// free-text column in which any other word round-trips.
public typealias CompletionCause = EndCause
