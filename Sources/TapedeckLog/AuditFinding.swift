/// One thing `tapedeck verify` found: a problem (the spool or the log was changed
/// behind the daemon's back) or a note (a repair the daemon made and recorded).
public struct AuditFinding: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        /// A row's fields no longer match its `row_hash`.
        case rowEdited = "row_edited"
        /// A row's `prev_hash` is not the `row_hash` of the row before it in the chain.
        case chainBroken = "chain_broken"
        /// Positions are missing from the chain: closed rows were deleted.
        case rowsDeleted = "rows_deleted"
        /// A closed row carries no chain position or hash.
        case unchained
        /// A row's file is not in the spool.
        case fileMissing = "file_missing"
        /// A row's file does not have the SHA-256 the log recorded.
        case fileAltered = "file_altered"
        /// A row's file cannot be read.
        case fileUnreadable = "file_unreadable"
        /// A file in the spool that no row names.
        case strayFile = "stray_file"
        /// A recorded hand repair whose hash before is not the file's recorded hash.
        case repairMismatch = "repair_mismatch"
        /// Not a problem: the daemon, or `tapedeck repair --config`, repaired this row's file and recorded it.
        case repaired
    }

    public var kind: Kind
    /// The row concerned, if any.
    public var recordingID: Int64?
    /// The file concerned, if any.
    public var path: String?
    /// The whole line, in words (paths as they are; the caller escapes them for a terminal).
    public var message: String

    public init(_ kind: Kind, recordingID: Int64? = nil, path: String? = nil, message: String) {
        self.kind = kind
        self.recordingID = recordingID
        self.path = path
        self.message = message
    }

    /// Everything except ``Kind/repaired``.
    public var isProblem: Bool { kind != .repaired }
}
