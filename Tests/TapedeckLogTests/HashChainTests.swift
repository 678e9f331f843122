import Foundation
import Testing
@testable import TapedeckLog

/// The hash chain over closed rows and the audit `tapedeck verify` runs on it.
@Suite struct HashChainTests {
    static let digestA = String(repeating: "a", count: 64)
    static let digestB = String(repeating: "b", count: 64)

    @Test func serialisationIsTheDocumentedBytes() {
        var values = [RowHash.Value](repeating: .null, count: RowHash.fieldNames.count)
        values[0] = .text(RowHash.genesis)
        values[1] = .integer(-1)
        values[2] = .text("st1")
        values[4] = .text("é\n=x")   // length-prefixed: a newline or `=` cannot fake a field
        values[6] = .integer(0)
        values[10] = .real(12.5)
        let bytes = RowHash.serialise(values)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix("tapedeck-row-v1\nprev_hash=t:64:\(RowHash.genesis)\nrecording_id=i:-1\nchannel=t:3:st1\n"
                               + "server_ip=null\nextension=t:5:é\n=x\nstart_time=null\nstart_epoch=i:0\nend_time=null\n"
                               + "end_epoch=null\nlength_in_sec=null\nlength_in_min=r:4029000000000000\nfilename=null\n"))
        #expect(text.hasSuffix("repaired_from_sha256=null\nchain_seq=null\n"))
        // The digest Python's hashlib gives for the same bytes (the snippet in docs/validate.md).
        #expect(RowHash.hash(values) == "ee8fa965e8d444d488f3d5e56b96c40121659a7cca9edd989f490dea415a2989")
    }

    @Test func rowsJoinTheChainInTheOrderTheyAreClosedInTheSameTransaction() throws {
        let log = try RecordingLog.inMemory(timeZone: berlin)
        let ids = try (0..<3).map { try log.insertStarted(sample(filename: "f\($0)")) }
        #expect(try log.row(id: ids[0])?.chainSeq == nil)
        let second = try log.complete(id: ids[1], end: Date(), status: .completed, cause: .stopped,
                                      durationSeconds: 2, sizeBytes: 44, sha256: Self.digestA)
        let third = try log.complete(id: ids[2], end: Date(), status: .discarded, cause: .tooShort,
                                     durationSeconds: 0, sizeBytes: 0)
        let first = try log.complete(id: ids[0], end: Date(), status: .failed, cause: .error,
                                     durationSeconds: nil, sizeBytes: nil, error: "boom",
                                     sha256: Self.digestB, repair: .init(originalSHA256: Self.digestA))
        #expect([second, third, first].map(\.chainSeq) == [1, 2, 3])
        #expect(second.prevHash == RowHash.genesis)
        #expect(third.prevHash == second.rowHash && first.prevHash == third.rowHash)
        for row in [second, third, first] {
            #expect(row.rowHash == RowHash.hash(of: row))
            #expect(RowHash.isDigest(row.rowHash ?? ""))
        }
        #expect(second.sha256 == Self.digestA && second.repairedAt == nil)
        #expect(first.repairedFromSHA256 == Self.digestA && first.repairedAt == first.updatedAt)
        // A closed row is never rewritten, so its place in the chain stays.
        #expect(throws: RecordingLogError.notOpen(id: ids[1], status: .completed)) {
            try log.complete(id: ids[1], end: Date(), status: .failed, cause: .error, durationSeconds: nil, sizeBytes: nil)
        }
        #expect(try log.row(id: ids[1]) == second)
    }

    @Test func aMalformedFileHashIsRefused() throws {
        let log = try RecordingLog.inMemory()
        let id = try log.insertStarted(sample())
        for bad in ["", "ABC", String(repeating: "A", count: 64), String(repeating: "g", count: 64)] {
            #expect(throws: RecordingLogError.invalidValue(field: "sha256", reason: "must be 64 lower-case hex digits")) {
                try log.complete(id: id, end: Date(), status: .completed, cause: .stopped, durationSeconds: 1,
                                 sizeBytes: 1, sha256: bad)
            }
        }
        #expect(try log.row(id: id)?.status == .started)
    }

    /// Four closed rows with files, and one still recording.
    static func chainedRows() throws -> [RecordingRow] {
        let log = try RecordingLog.inMemory(timeZone: berlin)
        var rows: [RecordingRow] = []
        for i in 0..<4 {
            let id = try log.insertStarted(sample(filename: "f\(i)"))
            rows.append(try log.complete(id: id, end: Date(), status: .completed, cause: .stopped, durationSeconds: 3,
                                         sizeBytes: 100, sha256: String(repeating: "\(i)", count: 64)))
        }
        let open = try log.insertStarted(sample(filename: "open"))
        rows.append(try log.row(id: open)!)
        return rows
    }

    static func audit(_ rows: [RecordingRow], files: [String: String]? = nil, extra: [String] = []) -> SpoolAudit.Result {
        let files = files ?? Dictionary(uniqueKeysWithValues: rows.compactMap { r in r.sha256.map { (r.location, $0) } })
        return SpoolAudit().run(rows: rows, spoolFiles: Array(files.keys) + extra) { path in
            files[path].map(SpoolAudit.FileState.digest) ?? .missing
        }
    }

    @Test func anUntouchedLogAndSpoolAreClean() throws {
        let rows = try Self.chainedRows()
        let result = Self.audit(rows, extra: [rows[4].location + ".part"])
        #expect(result.findings == [])
        #expect(result.rows == 5 && result.chained == 4 && result.filesChecked == 4)
        #expect(result.head == rows[3].rowHash)
    }

    @Test func eachChangeIsOneFindingNamingTheRow() throws {
        let rows = try Self.chainedRows()
        let spool = "/var/spool/tapedeck/"
        var edited = rows
        edited[1].durationSeconds = 30
        #expect(Self.audit(edited).findings.map(\.message) == ["row 2: edited: its fields do not match its row_hash"])

        var deleted = rows
        deleted.remove(at: 1)
        #expect(Self.audit(deleted, extra: [rows[1].location]).findings.map(\.message) == [
            "chain position 2 missing: 1 closed row deleted (after row 1, before row 3)",
            "stray file: \(spool)f1.wav (not in the log)",
        ])
        #expect(Self.audit(Array(rows[2...])).findings.map(\.message) == [
            "chain positions 1-2 missing: 2 closed rows deleted (at the start of the chain, before row 3)",
        ])

        // Swapping two rows' positions: both hashes break, and so do the links.
        var swapped = rows
        (swapped[1].chainSeq, swapped[2].chainSeq) = (swapped[2].chainSeq, swapped[1].chainSeq)
        #expect(Self.audit(swapped).findings.map(\.message) == [
            "row 3: chain broken at position 2: prev_hash is not the row_hash of row 1",
            "row 3: edited: its fields do not match its row_hash",
            "row 2: chain broken at position 3: prev_hash is not the row_hash of row 3",
            "row 2: edited: its fields do not match its row_hash",
            "row 4: chain broken at position 4: prev_hash is not the row_hash of row 2",
        ])

        var unchained = rows
        unchained[3].chainSeq = nil
        #expect(Self.audit(unchained).findings.map(\.message) == ["row 4: closed but not in the hash chain"])

        var files = Dictionary(uniqueKeysWithValues: rows.compactMap { r in r.sha256.map { (r.location, $0) } })
        files[rows[0].location] = Self.digestA
        files[rows[2].location] = nil
        let result = Self.audit(rows, files: files, extra: [spool + "planted.wav", spool + "f9.wav.part"])
        #expect(result.findings.map(\.message) == [
            "row 1: file altered: \(spool)f0.wav: sha256 \(Self.digestA), the log has \(rows[0].sha256!)",
            "row 3: file missing: \(spool)f2.wav",
            "stray file: \(spool)f9.wav.part (not in the log)",
            "stray file: \(spool)planted.wav (not in the log)",
        ])
        #expect(result.findings.map(\.kind) == [.fileAltered, .fileMissing, .strayFile, .strayFile])
        #expect(result.problems.count == 4)
    }

    @Test func aRepairTheDaemonRecordedIsANoteNotAProblem() throws {
        let log = try RecordingLog.inMemory(timeZone: berlin)
        let id = try log.insertStarted(sample())
        let row = try log.complete(id: id, end: Date(), status: .completed, cause: .recovered, durationSeconds: 2,
                                   sizeBytes: 44, sha256: Self.digestB, repair: .init(originalSHA256: Self.digestA))
        let result = Self.audit([row])
        #expect(result.findings.map(\.message) == [
            "row 1: repaired by tapedeckd at \(row.repairedAt!): \(row.location): sha256 \(Self.digestA) before, sha256 \(Self.digestB) after",
        ])
        #expect(result.problems.isEmpty && result.findings[0].kind == .repaired)
    }

    @Test func rowsClosedBeforeTheChainExistedJoinItWhenTheLogIsUpgraded() throws {
        let folder = try TempFolder()
        defer { folder.cleanup() }
        let path = folder.path("log.sqlite")
        do {
            let log = try RecordingLog.open(path: path, timeZone: berlin)
            let a = try log.insertStarted(sample(filename: "a"))
            _ = try log.insertStarted(sample(filename: "b"))
            let c = try log.insertStarted(sample(filename: "c"))
            try log.complete(id: c, end: Date(), status: .completed, cause: .stopped, durationSeconds: 1, sizeBytes: 1)
            try log.complete(id: a, end: Date(), status: .failed, cause: .error, durationSeconds: nil, sizeBytes: nil)
            try log.close()
        }
        // Back to the schema before the chain, as an older Tapedeck left it.
        let downgrade = """
            DROP INDEX recording_log_chain;
            ALTER TABLE recording_log DROP COLUMN sha256; ALTER TABLE recording_log DROP COLUMN repaired_at;
            ALTER TABLE recording_log DROP COLUMN repaired_from_sha256; ALTER TABLE recording_log DROP COLUMN chain_seq;
            ALTER TABLE recording_log DROP COLUMN prev_hash; ALTER TABLE recording_log DROP COLUMN row_hash;
            DELETE FROM grdb_migrations WHERE identifier = 'v2_tamper_evidence';
            """
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        sqlite.arguments = [path, downgrade]
        try sqlite.run()
        sqlite.waitUntilExit()
        #expect(sqlite.terminationStatus == 0)
        #expect(throws: RecordingLogError.self) { try RecordingLog.openReadOnly(path: path) }

        let log = try RecordingLog.open(path: path, timeZone: berlin)
        let rows = try log.allRows()
        // In recording_id order (the close order was not kept before), without file hashes.
        #expect(rows.map(\.chainSeq) == [1, nil, 2])
        #expect(rows[0].prevHash == RowHash.genesis && rows[2].prevHash == rows[0].rowHash)
        #expect(rows.allSatisfy { $0.sha256 == nil })
        #expect(Self.audit(rows, files: [:]).findings.map(\.message) == ["row 3: file missing: /var/spool/tapedeck/c.wav"])
        // Rows closed from now on continue the chain.
        let next = try log.complete(id: 2, end: Date(), status: .completed, cause: .stopped, durationSeconds: 1,
                                    sizeBytes: 1, sha256: Self.digestA)
        #expect(next.chainSeq == 3 && next.prevHash == rows[2].rowHash)
        #expect(try RecordingLog.openReadOnly(path: path).allRows().count == 3)
    }
}
