import Crypto
import GRDB

/// A repair of a recorded file made by hand (`tapedeck repair --config`), after its row
/// was closed: one row of `file_repair`, a link of the same hash chain as the closed rows
/// of `recording_log`, so that `tapedeck verify` tells a recorded repair from tampering and
/// deleting or editing the record is itself detected.
public struct RepairRecord: Sendable, Hashable {
    /// `repair_id`: never reused.
    public var id: Int64
    /// `recording_id`: the row whose file was repaired.
    public var recordingID: Int64
    /// `repaired_at`: ISO 8601.
    public var repairedAt: String
    /// `tool`: what repaired it (`tapedeck repair`).
    public var tool: String
    /// `repaired_by`: the login name (or uid) that ran it.
    public var repairedBy: String
    /// `location`: the file's full path, as its row names it.
    public var location: String
    /// `sha256_before`: the file's SHA-256 before the repair (the one the log had for it).
    public var sha256Before: String
    /// `sha256_after`: the repaired file's SHA-256.
    public var sha256After: String
    /// `size_bytes`: the repaired file's size.
    public var sizeBytes: Int64
    /// `chain_seq`, `prev_hash`, `row_hash`: its link in the hash chain.
    public var chainSeq: Int64
    public var prevHash: String
    public var rowHash: String

    public init(id: Int64, recordingID: Int64, repairedAt: String, tool: String, repairedBy: String, location: String,
                sha256Before: String, sha256After: String, sizeBytes: Int64, chainSeq: Int64, prevHash: String,
                rowHash: String) {
        self.id = id
        self.recordingID = recordingID
        self.repairedAt = repairedAt
        self.tool = tool
        self.repairedBy = repairedBy
        self.location = location
        self.sha256Before = sha256Before
        self.sha256After = sha256After
        self.sizeBytes = sizeBytes
        self.chainSeq = chainSeq
        self.prevHash = prevHash
        self.rowHash = rowHash
    }

    /// The canonical serialisation's first line: a repair record's bytes never equal a row's.
    static let magic = "tapedeck-repair-v1\n"

    /// The hashed fields, in order: `prev_hash`, then every column of `file_repair` except `row_hash`.
    public static let fieldNames = [
        "prev_hash", "repair_id", "recording_id", "repaired_at", "tool", "repaired_by", "location",
        "sha256_before", "sha256_after", "size_bytes", "chain_seq",
    ]

    /// The hash this record should carry (the same encoding as ``RowHash``, under its own first line).
    public var expectedHash: String {
        RowHash.hash(magic: Self.magic, names: Self.fieldNames, [
            .text(prevHash), .integer(id), .integer(recordingID), .text(repairedAt), .text(tool), .text(repairedBy),
            .text(location), .text(sha256Before), .text(sha256After), .integer(sizeBytes), .integer(chainSeq),
        ])
    }
}

extension RepairRecord: FetchableRecord {
    public init(row: Row) throws {
        self.init(id: row["repair_id"], recordingID: row["recording_id"], repairedAt: row["repaired_at"],
                  tool: row["tool"], repairedBy: row["repaired_by"], location: row["location"],
                  sha256Before: row["sha256_before"], sha256After: row["sha256_after"], sizeBytes: row["size_bytes"],
                  chainSeq: row["chain_seq"], prevHash: row["prev_hash"], rowHash: row["row_hash"])
    }
}
