import Synchronization
#if canImport(Glibc)
import Glibc
#endif
import Testing
import TapedeckLifecycle

/// What the parts of a test group did, in order.
fileprivate final class Journal: Sendable {
    private let entries = Mutex<[String]>([])
    func add(_ e: String) { entries.withLock { $0.append(e) } }
    var all: [String] { entries.withLock { $0 } }
}

fileprivate struct Refused: Error, Equatable { let name: String }

@Suite struct ServiceGroupTests {
    fileprivate static func group(_ names: [String], failing: String? = nil, journal: Journal) -> ServiceGroup {
        ServiceGroup(names.map { name in
            .init(name, start: {
                if name == failing { journal.add("refuse \(name)"); throw Refused(name: name) }
                journal.add("start \(name)")
            }, stop: { journal.add("stop \(name)") })
        })
    }

    @Test func partsStartInOrderAndStopInReverse() throws {
        let journal = Journal()
        let group = Self.group(["a", "b", "c"], journal: journal)
        try group.start()
        #expect(journal.all == ["start a", "start b", "start c"])
        group.stop()
        #expect(journal.all == ["start a", "start b", "start c", "stop c", "stop b", "stop a"])
        // Stopped once: a second stop does nothing.
        group.stop()
        #expect(journal.all.count == 6)
    }

    @Test func theFirstFailureIsReportedAndWhatStartedIsStoppedAgain() {
        let journal = Journal()
        let group = Self.group(["a", "b", "c", "d"], failing: "c", journal: journal)
        do {
            try group.start()
            Issue.record("the group started with a part that cannot")
        } catch {
            #expect(error.service == "c")
            #expect(error.error as? Refused == Refused(name: "c"))
            #expect(error.description == "c: Refused(name: \"c\")")
        }
        // d never started; a and b are stopped, last first; c, which failed, is not stopped.
        #expect(journal.all == ["start a", "start b", "refuse c", "stop b", "stop a"])
        group.stop()
        #expect(journal.all.count == 5)
    }

    @Test func aFailureOfTheFirstPartStopsNothing() {
        let journal = Journal()
        let group = Self.group(["a", "b"], failing: "a", journal: journal)
        #expect(throws: ServiceGroup.Failure.self) { try group.start() }
        #expect(journal.all == ["refuse a"])
    }

    @Test func aStoppableThreadRunsUntilAskedAndStopWaitsForItsLoop() {
        let journal = Journal()
        let thread = StoppableThread(name: "test-loop")
        // Stopping a thread that never started returns at once.
        thread.stop()
        let turns = Atomic<Int>(0)
        thread.start {
            while !thread.isStopping {
                turns.add(1, ordering: .relaxed)
                usleep(1_000)
            }
            journal.add("loop returned")
        }
        while turns.load(ordering: .relaxed) == 0 { usleep(1_000) }
        thread.stop { journal.add("woken") }
        #expect(journal.all == ["woken", "loop returned"])
    }
}
