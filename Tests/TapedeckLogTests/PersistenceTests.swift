import Foundation
import Testing
@testable import TapedeckLog

@Suite struct PersistenceTests {
    @Test func idsContinueAcrossReopenAndAreNeverReused() throws {
        let folder = try TempFolder()
        defer { folder.cleanup() }
        let path = folder.path("recordings.sqlite")

        var log = try RecordingLog.open(path: path, timeZone: berlin)
        #expect(try log.insertStarted(sample()) == 1)
        #expect(try log.insertStarted(sample()) == 2)
        #expect(try log.insertStarted(sample()) == 3)
        try log.close()

        log = try RecordingLog.open(path: path, timeZone: berlin)
        #expect(try log.row(id: 3)?.status == .started)
        #expect(try log.insertStarted(sample()) == 4)
        // Delete the newest row: its id stays used.
        try log.deleteRow(id: 4)
        #expect(try log.row(id: 4) == nil)
        #expect(try log.insertStarted(sample()) == 5)
        try log.deleteRow(id: 5)
        try log.close()

        log = try RecordingLog.open(path: path, timeZone: berlin)
        #expect(try log.insertStarted(sample()) == 6)
        #expect(try log.lookup(RecordingQuery()).map(\.id) == [6, 3, 2, 1])
        try log.close()
    }

    @Test func completedRowSurvivesReopen() throws {
        let folder = try TempFolder()
        defer { folder.cleanup() }
        let path = folder.path("log.sqlite")
        let log = try RecordingLog.open(path: path, timeZone: berlin)
        let id = try log.insertStarted(sample(leadID: "77", callID: "C1"))
        let done = try log.complete(id: id, end: Date(timeIntervalSince1970: novemberStart + 5), status: .completed,
                                    cause: .callEnd, durationSeconds: 5, sizeBytes: 80_044)
        try log.close()
        let again = try RecordingLog.open(path: path, timeZone: berlin)
        #expect(try again.row(id: id) == done)
        #expect(try again.openRows().isEmpty)
        try again.close()
    }

    @Test func fileUsesWALWithFullSync() throws {
        let folder = try TempFolder()
        defer { folder.cleanup() }
        let path = folder.path("log.sqlite")
        // Twice: a new file, then an existing one.
        for _ in 0..<2 {
            let log = try RecordingLog.open(path: path)
            // On the writer connection: GRDB's pool sets NORMAL there by itself.
            #expect(try log.writerPragma("journal_mode") == "wal")
            #expect(try log.writerPragma("synchronous") == "2")  // FULL
            try log.insertStarted(sample())
            #expect(try log.writerPragma("synchronous") == "2")
            try log.close()
        }
    }

    @Test func openRowsAreTheStartedOnesOldestFirst() throws {
        let log = try RecordingLog.inMemory(timeZone: berlin)
        let a = try log.insertStarted(sample(start: novemberStart + 50))
        let b = try log.insertStarted(sample(start: novemberStart))
        let c = try log.insertStarted(sample(start: novemberStart + 20))
        let d = try log.insertStarted(sample(start: novemberStart + 30))
        let end = Date(timeIntervalSince1970: novemberStart + 60)
        try log.complete(id: b, end: end, status: .completed, cause: .stopped, durationSeconds: 60, sizeBytes: 1)
        try log.complete(id: d, end: end, status: .failed, cause: .error, durationSeconds: nil, sizeBytes: nil)
        #expect(try log.openRows().map(\.id) == [a, c])

        // What the daemon does at start (issue 6): close each with cause recovered.
        for row in try log.openRows() {
            try log.complete(id: row.id, end: end, status: .completed, cause: .recovered,
                             durationSeconds: 10, sizeBytes: 1_000)
        }
        #expect(try log.openRows().isEmpty)
        #expect(try log.row(id: a)?.cause == .recovered)
    }
}
