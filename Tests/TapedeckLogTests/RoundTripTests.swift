import Foundation
import Testing
@testable import TapedeckLog

@Suite struct RoundTripTests {
    @Test func insertThenCompleteStoresEveryColumn() throws {
        let clock = TestClock(novemberStart + 0.4)
        let log = try RecordingLog.inMemory(timeZone: berlin, clock: clock.function)
        let new = NewRecording(
            station: "st1", serverIP: "10.0.0.5", sessionID: "8600051", agentUser: "1000",
            startedAt: Date(timeIntervalSince1970: novemberStart + 0.9), filename: "20261121-101010_5551234_1000_MIDCALL",
            location: "/var/spool/tapedeck/20261121-101010_5551234_1000_MIDCALL.mp3", kind: "stereo",
            function: "stereo_recording", format: "mp3", stage: "_MIDCALL", leadID: "123456", callID: "M1121101010000")
        let id = try log.insertStarted(new)
        #expect(id == 1)

        let started = try #require(try log.row(id: id))
        #expect(started == RecordingRow(
            id: 1, station: "st1", serverIP: "10.0.0.5", sessionID: "8600051",
            startTime: "2026-11-21 10:10:10", startEpoch: 1_795_252_210, endTime: nil, endEpoch: nil,
            lengthInSec: nil, lengthInMin: nil, filename: "20261121-101010_5551234_1000_MIDCALL",
            location: "/var/spool/tapedeck/20261121-101010_5551234_1000_MIDCALL.mp3", leadID: "123456",
            agentUser: "1000", callID: "M1121101010000", kind: "stereo", function: "stereo_recording",
            format: "mp3", stage: "_MIDCALL", status: .started, cause: nil, sizeBytes: nil, durationSeconds: nil,
            pausedSeconds: nil, maskedSeconds: nil, framesLost: nil, error: nil,
            createdAt: "2026-11-21T10:10:10+01:00", updatedAt: "2026-11-21T10:10:10+01:00"))
        #expect(started.startDate == Date(timeIntervalSince1970: novemberStart))
        #expect(started.createdDate == Date(timeIntervalSince1970: novemberStart))

        clock.set(novemberStart + 95)
        let done = try log.complete(
            id: id, end: Date(timeIntervalSince1970: novemberStart + 94.7), status: .completed, cause: .stopped,
            durationSeconds: 93.6, sizeBytes: 1_502_400, pausedSeconds: 12.25, maskedSeconds: 4.5, framesLost: 3,
            error: nil, sha256: String(repeating: "5e", count: 32))
        var expected = started
        expected.endTime = "2026-11-21 10:11:44"
        expected.endEpoch = 1_795_252_304
        expected.lengthInSec = 94
        expected.lengthInMin = 1.57
        expected.status = .completed
        expected.cause = .stopped
        expected.sizeBytes = 1_502_400
        expected.durationSeconds = 93.6
        expected.pausedSeconds = 12.25
        expected.maskedSeconds = 4.5
        expected.framesLost = 3
        expected.updatedAt = "2026-11-21T10:11:45+01:00"
        expected.sha256 = String(repeating: "5e", count: 32)
        expected.chainSeq = 1
        expected.prevHash = RowHash.genesis
        expected.rowHash = RowHash.hash(of: expected)
        #expect(done == expected)
        #expect(try log.row(id: id) == expected)
        #expect(done.endDate == Date(timeIntervalSince1970: novemberStart + 94))
        #expect(done.updatedDate == Date(timeIntervalSince1970: novemberStart + 95))
    }

    @Test func failedRowKeepsErrorAndLengthFallsBackToEpochs() throws {
        let log = try RecordingLog.inMemory(timeZone: berlin)
        let id = try log.insertStarted(sample())
        let row = try log.complete(id: id, RecordingCompletion(
            endedAt: Date(timeIntervalSince1970: novemberStart + 31.9), status: .failed, cause: .deviceLost,
            durationSeconds: nil, sizeBytes: nil, error: "capture device hw:1 disappeared"))
        #expect(row.status == .failed)
        #expect(row.cause == .deviceLost)
        #expect(row.cause?.rawValue == "device_lost")
        #expect(row.lengthInSec == 31)
        #expect(row.lengthInMin == 0.52)
        #expect(row.durationSeconds == nil)
        #expect(row.sizeBytes == nil)
        #expect(row.pausedSeconds == 0)
        #expect(row.maskedSeconds == 0)
        #expect(row.framesLost == 0)
        #expect(row.error == "capture device hw:1 disappeared")
    }

    @Test func discardedTooShortAndFreeTextCause() throws {
        let log = try RecordingLog.inMemory(timeZone: berlin)
        let a = try log.insertStarted(sample())
        let b = try log.insertStarted(sample())
        let rowA = try log.complete(id: a, end: Date(timeIntervalSince1970: novemberStart + 2), status: .discarded,
                                    cause: .tooShort, durationSeconds: 1.4, sizeBytes: nil)
        #expect(rowA.status == .discarded && rowA.cause?.rawValue == "too_short" && rowA.lengthInSec == 1)
        let rowB = try log.complete(id: b, end: Date(timeIntervalSince1970: novemberStart + 2), status: .completed,
                                    cause: "some_future_cause", durationSeconds: 2, sizeBytes: 44)
        #expect(rowB.cause == CompletionCause("some_future_cause"))
    }

    @Test func causeConstantsAreVICIdialWords() {
        let words: [CompletionCause] = [.stopped, .timeout, .silence, .key, .callEnd, .logout, .tooShort, .error,
                                        .recovered, .diskFull, .deviceLost, .shutdown, .noAudio]
        #expect(words.map(\.rawValue) == ["stopped", "timeout", "silence", "key", "call_end", "logout",
                                          "too_short", "error", "recovered", "disk_full", "device_lost", "shutdown",
                                          "no_audio"])
        #expect(RecordingStatus.allCases.map(\.rawValue) == ["started", "completed", "failed", "discarded"])
    }

    @Test func closedRowIsNeverRewritten() throws {
        let log = try RecordingLog.inMemory(timeZone: berlin)
        let id = try log.insertStarted(sample())
        let end = Date(timeIntervalSince1970: novemberStart + 10)
        let first = try log.complete(id: id, end: end, status: .completed, cause: .stopped,
                                     durationSeconds: 10, sizeBytes: 100)
        #expect(throws: RecordingLogError.notOpen(id: id, status: .completed)) {
            try log.complete(id: id, end: end, status: .failed, cause: .error, durationSeconds: nil, sizeBytes: nil)
        }
        #expect(try log.row(id: id) == first)
    }

    @Test func completeRefusesBadInput() throws {
        let log = try RecordingLog.inMemory(timeZone: berlin)
        let id = try log.insertStarted(sample())
        let end = Date(timeIntervalSince1970: novemberStart + 10)
        #expect(throws: RecordingLogError.notFound(id: 99)) {
            try log.complete(id: 99, end: end, status: .completed, cause: .stopped, durationSeconds: 1, sizeBytes: 1)
        }
        #expect(throws: RecordingLogError.invalidValue(field: "status",
                                                       reason: "must be completed, failed or discarded")) {
            try log.complete(id: id, end: end, status: .started, cause: .stopped, durationSeconds: 1, sizeBytes: 1)
        }
        #expect(throws: RecordingLogError.self) {
            try log.complete(id: id, end: end, status: .completed, cause: .stopped, durationSeconds: .nan,
                             sizeBytes: 1)
        }
        #expect(throws: RecordingLogError.self) {
            try log.complete(id: id, end: end, status: .completed, cause: .stopped, durationSeconds: 1,
                             sizeBytes: -1)
        }
        #expect(throws: RecordingLogError.self) {
            try log.complete(id: id, end: end, status: .completed, cause: .stopped, durationSeconds: 1,
                             sizeBytes: 1, pausedSeconds: -2)
        }
        #expect(throws: RecordingLogError.self) {
            try log.complete(id: id, end: end, status: .completed, cause: "", durationSeconds: 1, sizeBytes: 1)
        }
        #expect(try log.row(id: id)?.status == .started)
        var empty = sample()
        empty.agentUser = ""
        #expect(throws: RecordingLogError.invalidValue(field: "user", reason: "is empty")) {
            try log.insertStarted(empty)
        }
    }

    @Test func updateLocationChangesNameAndUpdatedAt() throws {
        let clock = TestClock(novemberStart)
        let log = try RecordingLog.inMemory(timeZone: berlin, clock: clock.function)
        let id = try log.insertStarted(sample())
        clock.set(novemberStart + 3)
        try log.updateLocation(id: id, filename: "20261121-101010__1000-2",
                               location: "/var/spool/tapedeck/20261121-101010__1000-2.wav")
        let row = try #require(try log.row(id: id))
        #expect(row.filename == "20261121-101010__1000-2")
        #expect(row.location == "/var/spool/tapedeck/20261121-101010__1000-2.wav")
        #expect(row.createdAt == "2026-11-21T10:10:10+01:00")
        #expect(row.updatedAt == "2026-11-21T10:10:13+01:00")
        #expect(throws: RecordingLogError.notFound(id: 42)) {
            try log.updateLocation(id: 42, filename: "x", location: "/x.wav")
        }
        #expect(try log.row(id: 42) == nil)
        // Once closed (and chained) the row is sealed.
        let closed = try log.complete(id: id, end: Date(), status: .completed, cause: .stopped, durationSeconds: 1,
                                      sizeBytes: 1)
        #expect(throws: RecordingLogError.notOpen(id: id, status: .completed)) {
            try log.updateLocation(id: id, filename: "y", location: "/y.wav")
        }
        #expect(try log.row(id: id) == closed)
    }

    @Test func textIsStoredVerbatim() throws {
        let log = try RecordingLog.inMemory(timeZone: berlin)
        let odd = "O'Brien \"; DROP TABLE recording_log; -- ü 🎙"
        let id = try log.insertStarted(sample(user: odd, leadID: odd, callID: odd))
        let row = try #require(try log.row(id: id))
        #expect(row.agentUser == odd && row.leadID == odd && row.callID == odd)
        #expect(try log.lookup(RecordingQuery(agentUser: odd)).map(\.id) == [id])
        #expect(try log.lookup(RecordingQuery(agentUser: "x' OR '1'='1")).isEmpty)
    }

    @Test func localTimesFollowTheZoneAndISOParsesBack() throws {
        let newYork = TimeZone(identifier: "America/New_York")!
        let log = try RecordingLog.inMemory(timeZone: newYork, clock: { Date(timeIntervalSince1970: 1_795_273_810) })
        let id = try log.insertStarted(sample(start: 1_795_273_810))
        let row = try #require(try log.row(id: id))
        #expect(row.startTime == "2026-11-21 10:10:10")
        #expect(row.createdAt == "2026-11-21T10:10:10-05:00")
        #expect(row.createdDate == Date(timeIntervalSince1970: 1_795_273_810))
        #expect(LogTime.parseISO8601("2026-11-21T09:10:10Z") == Date(timeIntervalSince1970: novemberStart))
        #expect(LogTime.parseISO8601("2026-11-21 09:10:10Z") == nil)
    }
}
