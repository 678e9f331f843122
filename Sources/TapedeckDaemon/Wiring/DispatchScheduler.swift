import Dispatch
import TapedeckDomain

/// The domain's `Scheduler` on a global dispatch queue.
struct DispatchScheduler: Scheduler {
    func after(seconds: Double, _ work: @escaping @Sendable () -> Void) {
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds, execute: work)
    }
}
