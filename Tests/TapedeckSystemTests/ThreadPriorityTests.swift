import Foundation
import Testing
import TapedeckSystem

@Suite struct ThreadPriorityTests {
    /// A thread that yields by 5 has a nice value 5 above the thread that started it, and
    /// the starting thread keeps its own: the change is the one thread's.
    @Test func yieldingRaisesTheCallingThreadsNiceOnly() {
        let before = ThreadPriority.currentNice
        final class Seen: @unchecked Sendable { var nice: Int32 = -100; var error: Errno?; let done = DispatchSemaphore(value: 0) }
        let seen = Seen()
        let t = Thread {
            seen.error = ThreadPriority.yieldCurrent(by: 5)
            seen.nice = ThreadPriority.currentNice
            seen.done.signal()
        }
        t.start()
        seen.done.wait()
        #expect(seen.error == nil)
        #expect(seen.nice == min(19, before + 5))
        #expect(ThreadPriority.currentNice == before)
    }
}
