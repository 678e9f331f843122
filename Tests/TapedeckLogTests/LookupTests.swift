import Foundation
import Testing
@testable import TapedeckLog

@Suite struct LookupTests {
    /// Rows (ids 1…7):
    /// 1: 1000, lead 10, call A, 2026-11-21 10:10:10
    /// 2: 1001, lead 10, call B, 2026-11-21 10:10:10 (same second as 1)
    /// 3: 1000, lead 11, call A, 2026-11-20 23:59:59
    /// 4: 1000, no lead, no call, 2026-11-22 00:00:00
    /// 5: 1001, lead 11, call C, 2026-11-21 12:00:00
    /// 6: 1000, lead 10, call A, 2026-11-21 09:00:00 (inserted late, older start)
    /// 7: 1002, lead 12, call D, 2026-11-21 00:00:00
    func fixture(cap: Int = RecordingLog.defaultLookupCap) throws -> RecordingLog {
        let log = try RecordingLog.inMemory(timeZone: berlin, lookupCap: cap)
        let day = novemberStart - 36_610  // 2026-11-21 00:00:00 Berlin
        let rows: [(String, String?, String?, TimeInterval)] = [
            ("1000", "10", "A", novemberStart),
            ("1001", "10", "B", novemberStart),
            ("1000", "11", "A", day - 1),
            ("1000", nil, nil, day + 86_400),
            ("1001", "11", "C", day + 12 * 3600),
            ("1000", "10", "A", day + 9 * 3600),
            ("1002", "12", "D", day),
        ]
        for (user, lead, call, start) in rows {
            try log.insertStarted(sample(user: user, start: start, leadID: lead, callID: call))
        }
        return log
    }

    func ids(_ log: RecordingLog, _ query: RecordingQuery) throws -> [Int64] {
        try log.lookup(query).map(\.id)
    }

    @Test func fixtureTimes() throws {
        let log = try fixture()
        #expect(try log.row(id: 3)?.startTime == "2026-11-20 23:59:59")
        #expect(try log.row(id: 4)?.startTime == "2026-11-22 00:00:00")
        #expect(try log.row(id: 7)?.startTime == "2026-11-21 00:00:00")
    }

    @Test func everyRowNewestFirst() throws {
        let log = try fixture()
        // start_epoch DESC, then recording_id DESC for the same second.
        #expect(try ids(log, RecordingQuery()) == [4, 5, 2, 1, 6, 7, 3])
    }

    @Test func byEachFilter() throws {
        let log = try fixture()
        #expect(try ids(log, RecordingQuery(agentUser: "1000")) == [4, 1, 6, 3])
        #expect(try ids(log, RecordingQuery(agentUser: "1001")) == [5, 2])
        #expect(try ids(log, RecordingQuery(agentUser: "100")) == [])
        #expect(try ids(log, RecordingQuery(leadID: "10")) == [2, 1, 6])
        #expect(try ids(log, RecordingQuery(leadID: "11")) == [5, 3])
        #expect(try ids(log, RecordingQuery(callID: "A")) == [1, 6, 3])
        #expect(try ids(log, RecordingQuery(callID: "D")) == [7])
        #expect(try ids(log, RecordingQuery(date: "2026-11-21")) == [5, 2, 1, 6, 7])
        #expect(try ids(log, RecordingQuery(date: "2026-11-20")) == [3])
        #expect(try ids(log, RecordingQuery(date: "2026-11-22")) == [4])
        #expect(try ids(log, RecordingQuery(date: "2026-11-23")) == [])
        #expect(try ids(log, RecordingQuery(recordingID: 5)) == [5])
        #expect(try ids(log, RecordingQuery(recordingID: 99)) == [])
    }

    @Test func combinedFiltersMustAllMatch() throws {
        let log = try fixture()
        #expect(try ids(log, RecordingQuery(agentUser: "1000", leadID: "10")) == [1, 6])
        #expect(try ids(log, RecordingQuery(agentUser: "1000", date: "2026-11-21")) == [1, 6])
        #expect(try ids(log, RecordingQuery(leadID: "11", callID: "A")) == [3])
        #expect(try ids(log, RecordingQuery(agentUser: "1000", leadID: "10", callID: "A", date: "2026-11-21",
                                            recordingID: 6)) == [6])
        #expect(try ids(log, RecordingQuery(agentUser: "1001", recordingID: 6)) == [])
    }

    @Test func limitAndCap() throws {
        #expect(RecordingLog.defaultLookupCap == 100_000)
        #expect(try RecordingLog.inMemory().lookupCap == 100_000)
        let capped = try fixture(cap: 3)
        #expect(try ids(capped, RecordingQuery()) == [4, 5, 2])
        #expect(try ids(capped, RecordingQuery(limit: 50)) == [4, 5, 2])
        #expect(try ids(capped, RecordingQuery(limit: 2)) == [4, 5])
        #expect(try ids(capped, RecordingQuery(agentUser: "1000")) == [4, 1, 6])
        let log = try fixture()
        #expect(try ids(log, RecordingQuery(agentUser: "1000", limit: 1)) == [4])
        #expect(throws: RecordingLogError.invalidValue(field: "limit", reason: "must be at least 1")) {
            try log.lookup(RecordingQuery(limit: 0))
        }
        #expect(throws: RecordingLogError.self) { try RecordingLog.inMemory(lookupCap: 0) }
    }

    @Test func badDateIsRefused() throws {
        let log = try fixture()
        for bad in ["2026-11-31", "2026-2-01", "20261121", "2026-11-21 10:00:00", "2026-13-01", "", "2026-11-2%"] {
            #expect(throws: RecordingLogError.invalidValue(field: "date", reason: "must be a date YYYY-MM-DD")) {
                try log.lookup(RecordingQuery(date: bad))
            }
        }
        #expect(try ids(log, RecordingQuery(date: "2028-02-29")) == [])
        #expect(RecordingQuery().hasNoFilter)
        #expect(!RecordingQuery(recordingID: 1).hasNoFilter)
    }

    @Test func lookupsUseIndexesWithoutSorting() throws {
        let log = try fixture()
        let order = " ORDER BY start_epoch DESC, recording_id DESC LIMIT 10"
        for (column, value) in [("user", "1000"), ("lead_id", "10"), ("vicidial_id", "A")] {
            let plan = try log.explainLookup("SELECT * FROM recording_log WHERE \(column) = ?" + order, [value])
            #expect(plan.contains { $0.contains("USING INDEX recording_log_") }, "\(column): \(plan)")
            #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "\(column): \(plan)")
        }
        let all = try log.explainLookup("SELECT * FROM recording_log" + order, [])
        #expect(!all.contains { $0.contains("TEMP B-TREE") }, "\(all)")
        let open = try log.explainLookup("SELECT * FROM recording_log WHERE status = 'started' ORDER BY recording_id", [])
        #expect(open.contains { $0.contains("recording_log_open") }, "\(open)")
    }

    @Test func manyRowsStayInOrder() throws {
        let log = try RecordingLog.inMemory(timeZone: berlin, lookupCap: 250)
        for i in 0..<1_000 {
            // Start times shuffled deterministically, many sharing a second.
            let start = novemberStart + TimeInterval((i * 37) % 200)
            try log.insertStarted(sample(user: i % 2 == 0 ? "even" : "odd", start: start))
        }
        let rows = try log.lookup(RecordingQuery(agentUser: "even"))
        #expect(rows.count == 250)
        #expect(rows.allSatisfy { $0.agentUser == "even" })
        for (a, b) in zip(rows, rows.dropFirst()) {
            #expect(a.startEpoch > b.startEpoch || (a.startEpoch == b.startEpoch && a.id > b.id))
        }
        #expect(rows.first?.startEpoch == Int64(novemberStart) + 198)  // even i: even offsets, max 198
    }
}
