import Foundation
import Testing
import TapedeckDomain

/// Limits and names under STARTs arriving at once, and no lock held across the rows'
/// and the file's I/O.
@Suite struct ConcurrencyTests {
    @Test func theLimitPerAgentHoldsUnderConcurrentStarts() {
        let rig = Rig { $0.maxRecordingsPerAgent = 3 }
        rig.login()
        let replies = concurrently(12) { _ in rig.start() }
        #expect(replies.compactMap(Rig.started).count == 3)
        #expect(replies.filter { $0 == .failure(.recordingLimit(.recording, Rig.agent(), .perAgent(3))) }.count == 9)
        #expect(rig.backend.handles.count == 3 && rig.controller.activeRecordings.count == 3)
    }

    @Test func theTotalLimitHoldsUnderConcurrentStarts() {
        let rig = Rig(stations: 10) { $0.maxRecordings = 4 }
        for i in 1...10 { rig.login("a\(i)", station: "st\(i)") }
        // Every admitted START is held in the backend until all four are in flight.
        let arrived = Gate(expected: 4)
        rig.backend.state.withLock { $0.onStart = { _ in arrived.arriveAndWait() } }
        let replies = concurrently(10) { i in rig.start("a\(i + 1)") }
        #expect(replies.compactMap(Rig.started).count == 4)
        let refused = replies.enumerated().filter { i, r in
            r == .failure(.recordingLimit(.recording, Rig.agent("a\(i + 1)", station: "st\(i + 1)"), .total(4)))
        }
        #expect(refused.count == 6)
        #expect(arrived.allArrived)
    }

    @Test func namesStayUniqueUnderConcurrentStarts() {
        let rig = Rig { $0.maxRecordingsPerAgent = 8 }
        rig.login()
        rig.files.add("20231114-221320__1000")   // a file from before: taken too
        let names = concurrently(8) { _ in Rig.started(rig.start(options: StartOptions(splitLegs: true)))?.filename }
        let base = "20231114-221320__1000"
        #expect(Set(names.compactMap { $0 }) == Set((2...9).map { "\(base)-\($0)" }))
        let paths = rig.backend.handles.flatMap { [$0.plan.path, $0.plan.legPaths!.agent, $0.plan.legPaths!.customer] }
        #expect(Set(paths).count == 24)
        // Once they end, their names are free again.
        _ = rig.stop()
        #expect(Rig.started(rig.start())?.filename == "\(base)-2")
    }

    @Test func noLockIsHeldWhileTheRowIsWrittenOrTheFileCreated() throws {
        let rig = Rig()
        rig.login()
        rig.login("2000", station: "st2")
        for hold in ["insert", "start"] {
            let latch = Latch()
            if hold == "insert" {
                rig.store.set { $0.onInsert = { r in if r.agentUser == "1000" { latch.hold() } } }
            } else {
                rig.store.set { $0.onInsert = nil }
                rig.backend.state.withLock { $0.onStart = { plan in if plan.station == "st1" { latch.hold() } } }
            }
            let reply = ResultBox<Reply>(1)
            let t = Thread { reply.set(0, rig.start()) }
            t.start()
            #expect(latch.waitUntilHeld())
            // While that START waits on its I/O, every other command goes through.
            #expect(rig.status("2000").isEmpty)
            #expect(Rig.started(rig.start("2000")) != nil)
            #expect(Rig.completed(rig.stop("2000")).count == 1)
            #expect(rig.controller.handle(.agentStatus(agentUser: "2000", status: "READY")) != .failure(.agentNotLoggedIn(agentUser: "2000")))
            rig.backend.state.withLock { $0.onStart = nil }
            latch.release()
            while rig.controller.activeRecordings.filter({ $0.agentUser == "1000" }).isEmpty { Thread.sleep(forTimeInterval: 0.001) }
            #expect(Rig.completed(rig.stop()).count == 1)
        }
    }
}

/// A barrier for the backend's `start`: each caller waits until `expected` have arrived
/// (or 10 s passed, so a broken limit shows as a failed expectation, not a hang).
final class Gate: @unchecked Sendable {
    private let condition = NSCondition()
    private var arrived = 0
    let expected: Int
    init(expected: Int) { self.expected = expected }

    func arriveAndWait() {
        condition.lock()
        arrived += 1
        condition.broadcast()
        let deadline = Date().addingTimeInterval(10)
        while arrived < expected && condition.wait(until: deadline) {}
        condition.unlock()
    }

    var allArrived: Bool { condition.withLock { arrived == expected } }
}
