import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension RecordingLog {
    /// A file the log has recorded, as a hand repair sees it.
    public struct RecordedFile: Sendable, Hashable {
        public var recordingID: Int64
        /// The path its row names.
        public var location: String
        /// The SHA-256 the log expects the file to have now: the row's, or the last
        /// recorded repair's result; nil when the row has none (closed before file hashes).
        public var sha256: String?
        /// The row is still `started` (its file is being written).
        public var isOpen: Bool
    }

    /// Opens an existing log to record hand repairs beside a running daemon: nothing is
    /// created and no migration runs (the log must have this version's schema, which
    /// tapedeckd gives it when it opens it).
    public static func openForRepairs(path: String, timeZone: TimeZone = .current) throws -> RecordingLog {
        try checkExisting(path)
        guard access(path, R_OK | W_OK) == 0 else { throw RecordingLogError.fileNotWritable(path: path) }
        var config = Configuration()
        config.label = "TapedeckLog"
        config.busyMode = .timeout(10)
        do {
            let queue = try DatabaseQueue(path: path, configuration: config)
            try queue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
            let migrator = Schema.migrator
            if try queue.read({ try migrator.hasBeenSuperseded($0) }) { throw RecordingLogError.newerSchema(path: path) }
            guard try queue.read({ try migrator.hasCompletedMigrations($0) }) else {
                throw RecordingLogError.cannotOpen(
                    path: path, reason: "its schema is older than this tapedeck's (start this version of tapedeckd once)")
            }
            return RecordingLog(writer: queue, path: path, timeZone: timeZone)
        } catch let error as DatabaseError {
            throw RecordingLogError.cannotOpen(path: path, reason: error.message ?? "SQLite error \(error.extendedResultCode.rawValue)")
        }
    }

    /// The row whose file is `path`: the rows named like the file (`filename`, its name
    /// without extension), the one whose `location` resolves to the same file.
    /// - Parameter sameFile: whether a row's location names the file (the caller resolves links).
    public func recordedFile(named filename: String, sameFile: (String) -> Bool) throws -> RecordedFile? {
        try perform("read") {
            try writer.read { db -> RecordedFile? in
                let rows = try RecordingRow.fetchAll(db, sql: "SELECT * FROM recording_log WHERE filename = ?",
                                                     arguments: [filename])
                guard let row = rows.first(where: { sameFile($0.location) }) else { return nil }
                let last = try RepairRecord.fetchOne(db, sql: """
                    SELECT * FROM file_repair WHERE recording_id = ? ORDER BY chain_seq DESC LIMIT 1
                    """, arguments: [row.id])
                return RecordedFile(recordingID: row.id, location: row.location, sha256: last?.sha256After ?? row.sha256,
                                    isOpen: row.status == .started)
            }
        }
    }

    /// Records that the file of closed row `recordingID` was repaired: one `file_repair`
    /// row at the end of the hash chain, in one transaction. Refused
    /// (``RecordingLogError/repairDoesNotFollow(id:expected:before:)``) unless `before` is
    /// the SHA-256 the log expects the file to have (any, for a row closed before the log
    /// had file hashes): a file changed behind the log's back stays a finding of `tapedeck verify`.
    @discardableResult
    public func recordRepair(recordingID: Int64, before: String, after: String, sizeBytes: Int64,
                             tool: String, by user: String) throws -> RepairRecord {
        for (field, value) in [("sha256_before", before), ("sha256_after", after)] where !RowHash.isDigest(value) {
            throw RecordingLogError.invalidValue(field: field, reason: "must be 64 lower-case hex digits")
        }
        let now = LogTime.iso8601(Date(), timeZone: timeZone)
        return try perform("record repair") {
            try writer.write { db -> RepairRecord in
                guard let row = try RecordingRow.fetchOne(
                    db, sql: "SELECT * FROM recording_log WHERE recording_id = ?", arguments: [recordingID]) else {
                    throw RecordingLogError.notFound(id: recordingID)
                }
                guard row.status.isFinal else { throw RecordingLogError.notClosed(id: recordingID) }
                let last = try RepairRecord.fetchOne(db, sql: """
                    SELECT * FROM file_repair WHERE recording_id = ? ORDER BY chain_seq DESC LIMIT 1
                    """, arguments: [recordingID])
                let expected = last?.sha256After ?? row.sha256
                guard expected == nil || expected == before else {
                    throw RecordingLogError.repairDoesNotFollow(id: recordingID, expected: expected, before: before)
                }
                let link = try ChainLink.last(db)
                var record = RepairRecord(id: 0, recordingID: recordingID, repairedAt: now, tool: tool, repairedBy: user,
                                          location: row.location, sha256Before: before, sha256After: after,
                                          sizeBytes: sizeBytes, chainSeq: link.seq + 1, prevHash: link.hash, rowHash: "")
                try db.execute(sql: """
                    INSERT INTO file_repair (recording_id, repaired_at, tool, repaired_by, location, sha256_before,
                                             sha256_after, size_bytes, chain_seq, prev_hash, row_hash)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '')
                    """, arguments: [recordingID, now, tool, user, row.location, before, after, sizeBytes,
                                     record.chainSeq, record.prevHash])
                record.id = db.lastInsertedRowID
                record.rowHash = record.expectedHash
                try db.execute(sql: "UPDATE file_repair SET row_hash = ? WHERE repair_id = ?",
                               arguments: [record.rowHash, record.id])
                return record
            }
        }
    }

    /// Whether the log has the table of hand repairs (a log an older tapedeckd wrote may not).
    public var hasRepairRecords: Bool {
        get throws {
            try perform("read") { try writer.read { try $0.tableExists("file_repair") } }
        }
    }

    /// Every recorded hand repair, in chain order (for `tapedeck verify`).
    public func allRepairs() throws -> [RepairRecord] {
        try perform("read repairs") {
            try writer.read { db in
                try RepairRecord.fetchAll(db, sql: "SELECT * FROM file_repair ORDER BY chain_seq")
            }
        }
    }
}
