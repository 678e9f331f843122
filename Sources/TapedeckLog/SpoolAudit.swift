/// Checks a spool against its recording log: the hash chain over closed rows, every
/// recorded file present with its recorded SHA-256, and no file the log does not know.
/// Pure: the caller lists the spool and hashes files.
public struct SpoolAudit: Sendable {
    /// What hashing one file gave.
    public enum FileState: Sendable, Hashable {
        case missing
        case unreadable(String)
        case digest(String)
    }

    /// The result: findings in a stable order (chain, then files by recording_id, then stray files).
    public struct Result: Sendable, Hashable {
        public var findings: [AuditFinding]
        public var rows: Int
        public var chained: Int
        /// Files hashed and compared.
        public var filesChecked: Int
        /// The `row_hash` at the end of the chain (genesis when it is empty): record it
        /// elsewhere to detect a truncated or rewritten log later.
        public var head: String
        public var problems: [AuditFinding] { findings.filter(\.isProblem) }
    }

    public init() {}

    /// - Parameters:
    ///   - rows: every row of the log.
    ///   - spoolFiles: full paths of the regular files in the spool (the log's own files excluded).
    ///   - file: hashes the file at a path.
    ///   - canonical: the path a row's location names, written as `spoolFiles` writes it
    ///     (the caller resolves symbolic links and `..` there).
    public func run(rows: [RecordingRow], spoolFiles: [String], file: (String) -> FileState,
                    canonical: (String) -> String = { $0 }) -> Result {
        var findings = chainFindings(rows)
        var checked = 0
        for row in rows {
            if let repairedAt = row.repairedAt {
                let before = row.repairedFromSHA256.map { "sha256 \($0) before, " } ?? ""
                findings.append(AuditFinding(.repaired, recordingID: row.id, path: row.location, message:
                    "row \(row.id): repaired by tapedeckd at \(repairedAt): \(row.location): \(before)sha256 \(row.sha256 ?? "none") after"))
            }
            guard let expected = row.sha256 else {
                if row.status == .completed, case .missing = file(row.location) {
                    findings.append(AuditFinding(.fileMissing, recordingID: row.id, path: row.location,
                                                 message: "row \(row.id): file missing: \(row.location)"))
                }
                continue
            }
            guard row.status != .discarded else { continue }
            checked += 1
            switch file(row.location) {
            case .missing:
                findings.append(AuditFinding(.fileMissing, recordingID: row.id, path: row.location,
                                             message: "row \(row.id): file missing: \(row.location)"))
            case .unreadable(let reason):
                findings.append(AuditFinding(.fileUnreadable, recordingID: row.id, path: row.location,
                                             message: "row \(row.id): file unreadable: \(row.location): \(reason)"))
            case .digest(let actual) where actual != expected:
                findings.append(AuditFinding(.fileAltered, recordingID: row.id, path: row.location, message:
                    "row \(row.id): file altered: \(row.location): sha256 \(actual), the log has \(expected)"))
            case .digest:
                break
            }
        }
        let known = Set(rows.map { canonical($0.location) })
        let recording = Set(rows.filter { $0.status == .started }.map { canonical($0.location + ".part") })
        for path in spoolFiles.sorted() where !known.contains(path) && !recording.contains(path) {
            findings.append(AuditFinding(.strayFile, path: path, message: "stray file: \(path) (not in the log)"))
        }
        let chain = rows.filter { $0.chainSeq != nil }
        let head = chain.max { $0.chainSeq! < $1.chainSeq! }?.rowHash ?? RowHash.genesis
        return Result(findings: findings, rows: rows.count, chained: chain.count, filesChecked: checked, head: head)
    }

    /// Walks the chain in `chain_seq` order: each row's hash recomputed, each link and
    /// position checked; closed rows outside the chain reported.
    func chainFindings(_ rows: [RecordingRow]) -> [AuditFinding] {
        var findings: [AuditFinding] = []
        let chain = rows.filter { $0.chainSeq != nil }.sorted { $0.chainSeq! < $1.chainSeq! }
        var previous: RecordingRow?
        for row in chain {
            let seq = row.chainSeq!
            let expectedSeq = (previous?.chainSeq ?? 0) + 1
            let expectedPrev = previous?.rowHash ?? RowHash.genesis
            let after = previous.map { "after row \($0.id)" } ?? "at the start of the chain"
            if seq > expectedSeq {
                let positions = seq - 1 == expectedSeq ? "position \(expectedSeq)" : "positions \(expectedSeq)-\(seq - 1)"
                let count = seq - expectedSeq
                findings.append(AuditFinding(.rowsDeleted, recordingID: row.id, message:
                    "chain \(positions) missing: \(count) closed row\(count == 1 ? "" : "s") deleted (\(after), before row \(row.id))"))
            } else if row.prevHash != expectedPrev {
                let link = previous.map { "the row_hash of row \($0.id)" } ?? "the genesis value"
                findings.append(AuditFinding(.chainBroken, recordingID: row.id, message:
                    "row \(row.id): chain broken at position \(seq): prev_hash is not \(link)"))
            }
            if RowHash.hash(of: row) != row.rowHash {
                findings.append(AuditFinding(.rowEdited, recordingID: row.id,
                                             message: "row \(row.id): edited: its fields do not match its row_hash"))
            }
            previous = row
        }
        for row in rows where row.status.isFinal && row.chainSeq == nil {
            findings.append(AuditFinding(.unchained, recordingID: row.id,
                                         message: "row \(row.id): closed but not in the hash chain"))
        }
        return findings
    }
}
