import Foundation
import Testing
@testable import TapedeckLog

/// Hand repairs (`tapedeck repair --config`) recorded in the hash chain, and what the
/// audit makes of them: a recorded repair is a note, a repair that does not follow the
/// file's recorded hash, or a record deleted or edited, is a problem.
@Suite struct RepairRecordTests {
    static func digest(_ c: Character) -> String { String(repeating: c, count: 64) }

    /// Two closed rows with files (digests 1…, 2…).
    static func closedRows(_ log: RecordingLog) throws -> [RecordingRow] {
        try (1...2).map { i in
            let id = try log.insertStarted(sample(filename: "f\(i)"))
            return try log.complete(id: id, end: Date(), status: .completed, cause: .stopped, durationSeconds: 3,
                                    sizeBytes: 100, sha256: digest(Character("\(i)")))
        }
    }

    static func audit(_ log: RecordingLog, rows: [RecordingRow]? = nil, repairs: [RepairRecord]? = nil,
                      files: [String: String]) throws -> SpoolAudit.Result {
        SpoolAudit().run(rows: try rows ?? log.allRows(), repairs: try repairs ?? log.allRepairs(),
                         spoolFiles: Array(files.keys)) { files[$0].map(SpoolAudit.FileState.digest) ?? .missing }
    }

    @Test func aRecordedRepairJoinsTheChainAndIsANoteNotAProblem() throws {
        let log = try RecordingLog.inMemory(timeZone: berlin)
        let rows = try Self.closedRows(log)
        let record = try log.recordRepair(recordingID: rows[0].id, before: Self.digest("1"), after: Self.digest("a"),
                                          sizeBytes: 90, tool: "tapedeck repair", by: "root")
        #expect(record.chainSeq == 3 && record.prevHash == rows[1].rowHash)
        #expect(record.rowHash == record.expectedHash && RowHash.isDigest(record.rowHash))
        #expect(record.location == rows[0].location && record.sizeBytes == 90)
        // The daemon's next closed row follows the repair in the chain.
        let id = try log.insertStarted(sample(filename: "f3"))
        let third = try log.complete(id: id, end: Date(), status: .completed, cause: .stopped, durationSeconds: 1,
                                     sizeBytes: 10, sha256: Self.digest("3"))
        #expect(third.chainSeq == 4 && third.prevHash == record.rowHash)
        // The log now expects the repaired file.
        let file = try log.recordedFile(named: "f1") { $0 == rows[0].location }
        #expect(file == RecordingLog.RecordedFile(recordingID: rows[0].id, location: rows[0].location,
                                                  sha256: Self.digest("a"), isOpen: false))

        let files = [rows[0].location: Self.digest("a"), rows[1].location: Self.digest("2"), third.location: Self.digest("3")]
        let result = try Self.audit(log, files: files)
        #expect(result.problems == [])
        #expect(result.findings.map(\.message) == [
            "row \(rows[0].id): repaired by tapedeck repair (root) at \(record.repairedAt): \(rows[0].location): "
                + "sha256 \(Self.digest("1")) before, sha256 \(Self.digest("a")) after",
        ])
        #expect(result.chained == 4 && result.filesChecked == 3 && result.head == third.rowHash)
    }

    @Test func aRepairThatDoesNotFollowTheRecordedHashIsRefusedAndNothingIsWritten() throws {
        let log = try RecordingLog.inMemory(timeZone: berlin)
        let rows = try Self.closedRows(log)
        #expect(throws: RecordingLogError.repairDoesNotFollow(id: rows[1].id, expected: Self.digest("2"), before: Self.digest("9"))) {
            try log.recordRepair(recordingID: rows[1].id, before: Self.digest("9"), after: Self.digest("a"),
                                 sizeBytes: 1, tool: "tapedeck repair", by: "root")
        }
        let open = try log.insertStarted(sample(filename: "open"))
        #expect(throws: RecordingLogError.notClosed(id: open)) {
            try log.recordRepair(recordingID: open, before: Self.digest("1"), after: Self.digest("a"),
                                 sizeBytes: 1, tool: "tapedeck repair", by: "root")
        }
        #expect(throws: RecordingLogError.notFound(id: 99)) {
            try log.recordRepair(recordingID: 99, before: Self.digest("1"), after: Self.digest("a"),
                                 sizeBytes: 1, tool: "tapedeck repair", by: "root")
        }
        #expect(throws: RecordingLogError.invalidValue(field: "sha256_after", reason: "must be 64 lower-case hex digits")) {
            try log.recordRepair(recordingID: rows[0].id, before: Self.digest("1"), after: "ABC",
                                 sizeBytes: 1, tool: "tapedeck repair", by: "root")
        }
        #expect(try log.allRepairs() == [])
        #expect(try log.allRows().compactMap(\.chainSeq) == [1, 2])
    }

    @Test func aDeletedEditedOrUnfollowedRecordAndALaterChangeAreEachReported() throws {
        let log = try RecordingLog.inMemory(timeZone: berlin)
        let rows = try Self.closedRows(log)
        let record = try log.recordRepair(recordingID: rows[0].id, before: Self.digest("1"), after: Self.digest("a"),
                                          sizeBytes: 90, tool: "tapedeck repair", by: "root")
        let id = try log.insertStarted(sample(filename: "f3"))
        let third = try log.complete(id: id, end: Date(), status: .completed, cause: .stopped, durationSeconds: 1,
                                     sizeBytes: 10, sha256: Self.digest("3"))
        let r1 = rows[0].id, loc = rows[0].location
        var files = [loc: Self.digest("a"), rows[1].location: Self.digest("2"), third.location: Self.digest("3")]
        let note = "row \(r1): repaired by tapedeck repair (root) at \(record.repairedAt): \(loc): "
            + "sha256 \(Self.digest("1")) before, sha256 \(Self.digest("a")) after"

        // The file changed after the repair: altered, against the repair's hash.
        files[loc] = Self.digest("b")
        #expect(try Self.audit(log, files: files).problems.map(\.message) == [
            "row \(r1): file altered: \(loc): sha256 \(Self.digest("b")), the log has \(Self.digest("a"))",
        ])
        files[loc] = Self.digest("a")

        // The record deleted: a hole in the chain, and the file no longer the recorded one.
        #expect(try Self.audit(log, repairs: [], files: files).findings.map(\.message) == [
            "chain position 3 missing: 1 closed row deleted (after row \(rows[1].id), before row \(third.id))",
            "row \(r1): file altered: \(loc): sha256 \(Self.digest("a")), the log has \(Self.digest("1"))",
        ])

        // The record edited (its result rewritten to launder a later change).
        var edited = record
        edited.sha256After = Self.digest("c")
        files[loc] = Self.digest("c")
        let editedAudit = try Self.audit(log, repairs: [edited], files: files)
        #expect(editedAudit.problems.map(\.message) == [
            "repair \(record.id) of row \(r1): edited: its fields do not match its row_hash",
        ])
        #expect(editedAudit.problems.map(\.kind) == [.rowEdited])

        // A record (re-hashed, so the chain holds) whose before is not the file's recorded hash.
        var unfollowed = record
        unfollowed.sha256Before = Self.digest("7")
        unfollowed.rowHash = unfollowed.expectedHash
        files[loc] = Self.digest("a")
        let found = try Self.audit(log, repairs: [unfollowed], files: files).findings
        #expect(found.map(\.kind).contains(.repairMismatch))
        #expect(found.first { $0.kind == .repairMismatch }?.message
                == "row \(r1): repair \(record.id) does not follow: its sha256 before is \(Self.digest("7")), the log had \(Self.digest("1"))")
        _ = note
    }

    @Test func aRowClosedWithoutAFileHashCanBeRepairedAndTheRepairSetsTheHash() throws {
        let log = try RecordingLog.inMemory(timeZone: berlin)
        let id = try log.insertStarted(sample(filename: "old"))
        let row = try log.complete(id: id, end: Date(), status: .completed, cause: .stopped, durationSeconds: 1, sizeBytes: 1)
        #expect(row.sha256 == nil)
        let record = try log.recordRepair(recordingID: id, before: Self.digest("5"), after: Self.digest("6"),
                                          sizeBytes: 1, tool: "tapedeck repair", by: "uid 1000")
        let result = try Self.audit(log, files: [row.location: Self.digest("6")])
        #expect(result.problems == [] && result.filesChecked == 1 && result.head == record.rowHash)
    }

    @Test func theRecordsSerialisationIsTheDocumentedBytes() {
        let record = RepairRecord(id: 1, recordingID: 7, repairedAt: "2026-12-02T09:15:04+01:00", tool: "tapedeck repair",
                                  repairedBy: "root", location: "/var/spool/tapedeck/a.wav", sha256Before: Self.digest("1"),
                                  sha256After: Self.digest("2"), sizeBytes: 16044, chainSeq: 5, prevHash: Self.digest("0"),
                                  rowHash: "")
        // The digest Python's hashlib gives for the same bytes (the snippet in docs/validate.md).
        #expect(record.expectedHash == "ef8a52074fbb235da1ec90b7880d27d79acdc146527083048a1ecba446b2c3e7")
    }
}
