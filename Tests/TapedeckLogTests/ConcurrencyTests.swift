import Foundation
import Testing
@testable import TapedeckLog

@Suite struct ConcurrencyTests {
    func hammer(_ log: RecordingLog, threads: Int, perThread: Int) -> [Int64] {
        let ids = Collected<Int64>()
        let failures = Collected<String>()
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            for i in 0..<perThread {
                do {
                    let id = try log.insertStarted(sample(user: "u\(t)", start: novemberStart + Double(i)))
                    if i % 3 == 0 {
                        try log.complete(id: id, end: Date(timeIntervalSince1970: novemberStart + Double(i) + 1),
                                         status: .completed, cause: .stopped, durationSeconds: 1, sizeBytes: 8)
                    }
                    _ = try log.lookup(RecordingQuery(agentUser: "u\(t)", limit: 5))
                    ids.append(id)
                } catch {
                    failures.append("\(error)")
                }
            }
        }
        #expect(failures.all.isEmpty, "\(failures.all.prefix(3))")
        return ids.all
    }

    @Test func manyThreadsGetDistinctIDsOnAFile() throws {
        let folder = try TempFolder()
        defer { folder.cleanup() }
        let log = try RecordingLog.open(path: folder.path("log.sqlite"), timeZone: berlin)
        let ids = hammer(log, threads: 8, perThread: 40)
        #expect(ids.count == 320)
        #expect(Set(ids).count == 320)
        #expect(Set(ids) == Set(1...320))
        #expect(try log.lookup(RecordingQuery()).count == 320)
        #expect(try log.openRows().count == 320 - 8 * 14)
        for t in 0..<8 {
            #expect(try log.lookup(RecordingQuery(agentUser: "u\(t)")).count == 40)
        }
        try log.close()
    }

    @Test func manyThreadsGetDistinctIDsInMemory() throws {
        let log = try RecordingLog.inMemory(timeZone: berlin)
        let ids = hammer(log, threads: 6, perThread: 50)
        #expect(Set(ids).count == 300)
        #expect(try log.lookup(RecordingQuery()).count == 300)
    }

    @Test func twoHandlesOnOneFileShareTheSequence() throws {
        // E.g. the daemon and a maintenance tool: writes are serialised by SQLite's lock.
        let folder = try TempFolder()
        defer { folder.cleanup() }
        let path = folder.path("log.sqlite")
        let a = try RecordingLog.open(path: path)
        let b = try RecordingLog.open(path: path)
        let collected = Collected<Int64>()
        DispatchQueue.concurrentPerform(iterations: 4) { t in
            let log = t % 2 == 0 ? a : b
            for _ in 0..<25 {
                if let id = try? log.insertStarted(sample()) { collected.append(id) }
            }
        }
        let ids = collected.all
        #expect(ids.count == 100)
        #expect(Set(ids).count == 100)
        try a.close()
        try b.close()
    }
}
