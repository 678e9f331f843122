#if canImport(Glibc)
import Glibc
#endif

/// The process's limit on open file descriptors (RLIMIT_NOFILE).
public enum OpenFileLimit {
    /// Raises the soft limit towards `wanted` (never past the hard limit); returns the
    /// soft limit in force afterwards, or nil when it cannot be read.
    public static func raiseSoftLimit(toward wanted: UInt64) -> UInt64? {
        var limit = rlimit()
        guard getrlimit(RLIMIT_NOFILE_, &limit) == 0 else { return nil }
        let wanted = rlim_t(wanted)
        if limit.rlim_cur < wanted {
            var raised = limit
            raised.rlim_cur = min(wanted, limit.rlim_max)
            if setrlimit(RLIMIT_NOFILE_, &raised) == 0 { limit = raised }
        }
        return UInt64(limit.rlim_cur)
    }

    private static var RLIMIT_NOFILE_: __rlimit_resource_t { __rlimit_resource_t(RLIMIT_NOFILE.rawValue) }
}
