#if canImport(Glibc)
import Glibc
#endif

/// poll(2) on one descriptor, with the deadline kept across interruptions.
public enum Poll {
    public enum Readiness: Sendable { case readable, timedOut }

    /// Waits at most `milliseconds` for `fd` to have input (or end of input, or an
    /// error: `.readable`, so that the read that follows reports it). EINTR does not end
    /// the wait early nor stretch it.
    public static func waitReadable(_ fd: Int32, milliseconds: Int) -> Readiness {
        let deadline = MonotonicClock.nanoseconds() + UInt64(max(0, milliseconds)) * 1_000_000
        while true {
            let now = MonotonicClock.nanoseconds()
            guard now < deadline else { return .timedOut }
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let left = Int32(min(UInt64(Int32.max), (deadline - now + 999_999) / 1_000_000))
            let rc = poll(&p, 1, left)
            if rc > 0 { return .readable }
            if rc < 0 && errno != EINTR { return .readable }
        }
    }

    /// Sleeps `milliseconds` (poll with no descriptor).
    public static func pause(milliseconds: Int32) { _ = poll(nil, 0, milliseconds) }
}
