/// Checks a spool against its recording log: the hash chain over closed rows and
/// recorded repairs, every recorded file present with the SHA-256 the log expects, and
/// no file the log does not know. Pure: the caller lists the spool and hashes files.
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
        /// Links in the hash chain: closed rows and recorded repairs.
        public var chained: Int
        /// Files hashed and compared.
        public var filesChecked: Int
        /// The `row_hash` at the end of the chain (genesis when it is empty): record it
        /// elsewhere to detect a truncated or rewritten log later.
        public var head: String
        public var problems: [AuditFinding] { findings.filter(\.isProblem) }
    }

    /// One link of the chain: a closed row or a recorded repair.
    enum Link {
        case row(RecordingRow)
        case repair(RepairRecord)

        var seq: Int64 {
            switch self {
            case .row(let r): r.chainSeq!
            case .repair(let r): r.chainSeq
            }
        }
        var hash: String? {
            switch self {
            case .row(let r): r.rowHash
            case .repair(let r): r.rowHash
            }
        }
        var prevHash: String? {
            switch self {
            case .row(let r): r.prevHash
            case .repair(let r): r.prevHash
            }
        }
        var expectedHash: String {
            switch self {
            case .row(let r): RowHash.hash(of: r)
            case .repair(let r): r.expectedHash
            }
        }
        var name: String {
            switch self {
            case .row(let r): "row \(r.id)"
            case .repair(let r): "repair \(r.id) of row \(r.recordingID)"
            }
        }
        var recordingID: Int64 {
            switch self {
            case .row(let r): r.id
            case .repair(let r): r.recordingID
            }
        }
    }

    public init() {}

    /// - Parameters:
    ///   - rows: every row of the log.
    ///   - repairs: every recorded hand repair (`file_repair`).
    ///   - spoolFiles: full paths of the regular files in the spool (the log's own files excluded).
    ///   - file: hashes the file at a path.
    ///   - canonical: the path a row's location names, written as `spoolFiles` writes it
    ///     (the caller resolves symbolic links and `..` there).
    public func run(rows: [RecordingRow], repairs: [RepairRecord] = [], spoolFiles: [String],
                    file: (String) -> FileState, canonical: (String) -> String = { $0 }) -> Result {
        let links = (rows.filter { $0.chainSeq != nil }.map(Link.row) + repairs.map(Link.repair)).sorted { $0.seq < $1.seq }
        var findings = chainFindings(links, rows: rows)
        var byRecording: [Int64: [RepairRecord]] = [:]
        for r in repairs.sorted(by: { $0.chainSeq < $1.chainSeq }) { byRecording[r.recordingID, default: []].append(r) }
        var checked = 0
        for row in rows {
            if let repairedAt = row.repairedAt {
                let before = row.repairedFromSHA256.map { "sha256 \($0) before, " } ?? ""
                findings.append(AuditFinding(.repaired, recordingID: row.id, path: row.location, message:
                    "row \(row.id): repaired by tapedeckd at \(repairedAt): \(row.location): \(before)sha256 \(row.sha256 ?? "none") after"))
            }
            // The hash the file should have now: the row's, then each recorded repair's result.
            var expected = row.sha256
            for repair in byRecording[row.id] ?? [] {
                if let expected, repair.sha256Before != expected {
                    findings.append(AuditFinding(.repairMismatch, recordingID: row.id, path: row.location, message:
                        "row \(row.id): repair \(repair.id) does not follow: its sha256 before is \(repair.sha256Before), the log had \(expected)"))
                }
                findings.append(AuditFinding(.repaired, recordingID: row.id, path: row.location, message:
                    "row \(row.id): repaired by \(repair.tool) (\(repair.repairedBy)) at \(repair.repairedAt): \(row.location): sha256 \(repair.sha256Before) before, sha256 \(repair.sha256After) after"))
                expected = repair.sha256After
            }
            guard let expected else {
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
        let head = links.last?.hash ?? RowHash.genesis
        return Result(findings: findings, rows: rows.count, chained: links.count, filesChecked: checked, head: head)
    }

    /// Walks the chain in `chain_seq` order: each link's hash recomputed, each link and
    /// position checked; closed rows outside the chain reported.
    func chainFindings(_ chain: [Link], rows: [RecordingRow]) -> [AuditFinding] {
        var findings: [AuditFinding] = []
        var previous: Link?
        for link in chain {
            let seq = link.seq
            let expectedSeq = (previous?.seq ?? 0) + 1
            let expectedPrev = previous?.hash ?? RowHash.genesis
            let after = previous.map { "after \($0.name)" } ?? "at the start of the chain"
            if seq > expectedSeq {
                let positions = seq - 1 == expectedSeq ? "position \(expectedSeq)" : "positions \(expectedSeq)-\(seq - 1)"
                let count = seq - expectedSeq
                findings.append(AuditFinding(.rowsDeleted, recordingID: link.recordingID, message:
                    "chain \(positions) missing: \(count) closed row\(count == 1 ? "" : "s") deleted (\(after), before \(link.name))"))
            } else if link.prevHash != expectedPrev {
                let source = previous.map { "the row_hash of \($0.name)" } ?? "the genesis value"
                findings.append(AuditFinding(.chainBroken, recordingID: link.recordingID, message:
                    "\(link.name): chain broken at position \(seq): prev_hash is not \(source)"))
            }
            if link.expectedHash != link.hash {
                findings.append(AuditFinding(.rowEdited, recordingID: link.recordingID,
                                             message: "\(link.name): edited: its fields do not match its row_hash"))
            }
            previous = link
        }
        for row in rows where row.status.isFinal && row.chainSeq == nil {
            findings.append(AuditFinding(.unchained, recordingID: row.id,
                                         message: "row \(row.id): closed but not in the hash chain"))
        }
        return findings
    }
}
