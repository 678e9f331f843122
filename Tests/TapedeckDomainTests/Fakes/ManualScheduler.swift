import Synchronization
import TapedeckDomain

/// Work scheduled for later, run when the test says (as if the delay had passed).
final class ManualScheduler: Scheduler, Sendable {
    private let pending = Mutex<[(seconds: Double, work: @Sendable () -> Void)]>([])

    func after(seconds: Double, _ work: @escaping @Sendable () -> Void) {
        pending.withLock { $0.append((seconds, work)) }
    }

    /// The delays of the work waiting.
    var delays: [Double] { pending.withLock { $0.map(\.seconds) } }

    /// Runs every piece of work waiting, in the order it was scheduled.
    func runAll() {
        let due = pending.withLock { p in
            defer { p = [] }
            return p
        }
        for item in due { item.work() }
    }
}
