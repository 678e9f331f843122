/// Decides which of a stream of repeated log lines are written: for each key (a client
/// and a message) at most `burst` lines per `interval` seconds; the rest are counted and
/// the count is reported once the interval is over, by the next line of that key or by
/// ``expired(at:)``. Pure: the caller passes the time (seconds on a monotonic clock).
struct LogRateLimiter<Key: Hashable> {
    enum Admission: Equatable {
        /// Write the line; `suppressed` lines of this key were dropped before it
        /// (in the previous interval) and were not reported yet.
        case log(suppressed: Int)
        /// Drop the line (it is counted).
        case suppress
    }

    let burst: Int
    let interval: Double
    private struct Window {
        var start: Double
        var logged: Int
        var suppressed: Int
    }
    private var windows: [Key: Window] = [:]

    init(burst: Int, interval: Double) {
        precondition(burst > 0 && interval > 0)
        self.burst = burst
        self.interval = interval
    }

    /// Keys with an interval in progress (for tests: the table stays small).
    var trackedKeys: Int { windows.count }

    mutating func admit(_ key: Key, at now: Double) -> Admission {
        guard var w = windows[key], now - w.start < interval else {
            let carried = windows[key]?.suppressed ?? 0
            windows[key] = Window(start: now, logged: 1, suppressed: 0)
            return .log(suppressed: carried)
        }
        defer { windows[key] = w }
        if w.logged < burst {
            w.logged += 1
            return .log(suppressed: 0)
        }
        w.suppressed += 1
        return .suppress
    }

    /// Ends every interval that is over: returns the keys that had lines suppressed in
    /// it, with their counts (each reported once), and forgets those keys.
    mutating func expired(at now: Double) -> [(key: Key, suppressed: Int)] {
        var out: [(key: Key, suppressed: Int)] = []
        for (key, w) in windows where now - w.start >= interval {
            if w.suppressed > 0 { out.append((key, w.suppressed)) }
            windows.removeValue(forKey: key)
        }
        return out
    }
}
