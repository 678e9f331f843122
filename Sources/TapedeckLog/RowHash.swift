import Crypto
import Foundation

/// The hash of a closed row in the recording log's hash chain: SHA-256 over the row's
/// canonical serialisation, which starts with the previous closed row's hash.
///
/// Canonical serialisation (version 1), the bytes hashed:
///
///     tapedeck-row-v1\n
///     then, for each field of ``fieldNames`` in that order: NAME=VALUE\n
///
/// where VALUE is `null` for SQL NULL, `i:` and the decimal integer (`-` for a negative
/// one) for an INTEGER, `r:` and the 16 lower-case hex digits of the big-endian IEEE-754
/// double for a REAL, and `t:`, the length of the UTF-8 text in bytes in decimal, `:`, and
/// the UTF-8 bytes themselves for a TEXT. The first field, `prev_hash`, is the previous
/// closed row's `row_hash` (``genesis`` for the first). The digest is written in lower-case hex.
public enum RowHash {
    /// `prev_hash` of the first row in the chain: 64 zeros.
    public static let genesis = String(repeating: "0", count: 64)
    static let magic = "tapedeck-row-v1\n"

    /// The hashed fields, in order: `prev_hash`, then every column of `recording_log`
    /// except `row_hash`.
    public static let fieldNames = [
        "prev_hash", "recording_id", "channel", "server_ip", "extension", "start_time", "start_epoch",
        "end_time", "end_epoch", "length_in_sec", "length_in_min", "filename", "location", "lead_id",
        "user", "vicidial_id", "kind", "function", "format", "stage", "status", "cause", "size_bytes",
        "duration_seconds", "paused_seconds", "masked_seconds", "frames_lost", "error", "created_at",
        "updated_at", "sha256", "repaired_at", "repaired_from_sha256", "chain_seq",
    ]

    /// One field's value as SQLite stores it.
    public enum Value: Sendable, Hashable {
        case null
        case integer(Int64)
        case real(Double)
        case text(String)
    }

    /// The canonical serialisation of `values` (one per ``fieldNames`` entry).
    public static func serialise(_ values: [Value]) -> [UInt8] {
        serialise(magic: magic, names: fieldNames, values)
    }

    /// The canonical serialisation of `values` (one per name) under the first line `magic`.
    static func serialise(magic: String, names: [String], _ values: [Value]) -> [UInt8] {
        precondition(values.count == names.count, "one value per hashed field")
        var out = Array(magic.utf8)
        for (name, value) in zip(names, values) {
            out += Array(name.utf8)
            out.append(UInt8(ascii: "="))
            switch value {
            case .null:
                out += Array("null".utf8)
            case .integer(let v):
                out += Array("i:\(v)".utf8)
            case .real(let v):
                let hex = String(v.bitPattern, radix: 16)
                out += Array(("r:" + String(repeating: "0", count: 16 - hex.count) + hex).utf8)
            case .text(let t):
                let bytes = Array(t.utf8)
                out += Array("t:\(bytes.count):".utf8) + bytes
            }
            out.append(UInt8(ascii: "\n"))
        }
        return out
    }

    /// The row hash of `values`, lower-case hex.
    public static func hash(_ values: [Value]) -> String {
        hash(magic: magic, names: fieldNames, values)
    }

    /// The hash of `values` serialised under `magic` and `names`, lower-case hex.
    static func hash(magic: String, names: [String], _ values: [Value]) -> String {
        let digest = SHA256.hash(data: serialise(magic: magic, names: names, values))
        return digest.map { byte in
            let s = String(byte, radix: 16)
            return byte < 16 ? "0" + s : s
        }.joined()
    }

    /// The hashed values of `row`, whose `prevHash` and `chainSeq` are set.
    public static func values(of row: RecordingRow) -> [Value] {
        func t(_ s: String?) -> Value { s.map(Value.text) ?? .null }
        func i(_ v: Int64?) -> Value { v.map(Value.integer) ?? .null }
        func r(_ v: Double?) -> Value { v.map(Value.real) ?? .null }
        return [
            t(row.prevHash), .integer(row.id), .text(row.station), .text(row.serverIP), .text(row.sessionID),
            .text(row.startTime), .integer(row.startEpoch), t(row.endTime), i(row.endEpoch), i(row.lengthInSec),
            r(row.lengthInMin), .text(row.filename), .text(row.location), t(row.leadID), .text(row.agentUser),
            t(row.callID), .text(row.kind), .text(row.function), .text(row.format), t(row.stage),
            .text(row.status.rawValue), t(row.cause?.rawValue), i(row.sizeBytes), r(row.durationSeconds),
            r(row.pausedSeconds), r(row.maskedSeconds), i(row.framesLost), t(row.error), .text(row.createdAt),
            .text(row.updatedAt), t(row.sha256), t(row.repairedAt), t(row.repairedFromSHA256), i(row.chainSeq),
        ]
    }

    /// The row hash `row` should carry.
    public static func hash(of row: RecordingRow) -> String { hash(values(of: row)) }

    /// Whether `text` is a SHA-256 in lower-case hex.
    public static func isDigest(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}
