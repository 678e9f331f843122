import CSyscalls
#if canImport(Glibc)
import Glibc
#endif

/// The calling thread's CPU share among ordinary (SCHED_OTHER) threads: its nice value.
/// On Linux each thread has its own (setpriority(2) on a thread id), so one thread can
/// yield to the others of its process without touching them.
public enum ThreadPriority {
    /// The calling thread's nice value (-20 … 19).
    public static var currentNice: Int32 {
        getpriority(__priority_which_t(PRIO_PROCESS.rawValue), id_t(gettid()))
    }

    /// Raises the calling thread's nice value by `steps` (a lower priority, which needs no
    /// privilege), capped at 19. Returns the error when the kernel refuses.
    @discardableResult
    public static func yieldCurrent(by steps: Int32) -> Errno? {
        let target = min(19, currentNice + steps)
        let rc = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), id_t(gettid()), target)
        return rc == 0 ? nil : .current
    }
}
