/// Runs work later: a campaign's `recording_delay`. The daemon's runs it on a dispatch
/// queue; tests run it when they say so.
public protocol Scheduler: Sendable {
    /// Runs `work` once, about `seconds` from now, on a thread of the scheduler's.
    func after(seconds: Double, _ work: @escaping @Sendable () -> Void)
}
