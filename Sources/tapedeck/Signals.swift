import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Set by SIGINT / SIGTERM; polled by the command loops.
let stopSignal = Atomic<Int32>(0)

enum Signals {
    /// Routes SIGINT and SIGTERM to `stopSignal` instead of ending the process.
    static func trapStop() {
        let handler: @convention(c) (Int32) -> Void = { sig in stopSignal.store(sig, ordering: .relaxed) }
        signal(SIGINT, handler)
        signal(SIGTERM, handler)
        // A parent may have left them blocked (signal masks are inherited).
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    static var stopRequested: Bool { stopSignal.load(ordering: .relaxed) != 0 }
}
