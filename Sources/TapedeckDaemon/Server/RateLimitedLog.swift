import Dispatch
import Logging
import Synchronization

/// Log lines that a client can cause (refused requests, refused connections) written
/// through a ``LogRateLimiter``: per client and message at most `burst` lines per
/// `interval` seconds, then one line with the count of those suppressed. ``flush()``
/// writes the counts of intervals that are over (the servers call it a few times a
/// second), so a flood that stops still gets its count.
final class RateLimitedLog: Sendable {
    static let defaultBurst = 5
    static let defaultInterval = 10.0

    struct Key: Hashable {
        var level: Logger.Level
        var message: String
        /// What else tells lines of one message apart (e.g. the function and error code).
        var kind: String
        var client: String
    }

    let logger: Logger
    private let limiter: Mutex<LogRateLimiter<Key>>

    init(logger: Logger, burst: Int = RateLimitedLog.defaultBurst, interval: Double = RateLimitedLog.defaultInterval) {
        self.logger = logger
        limiter = Mutex(LogRateLimiter(burst: burst, interval: interval))
    }

    static var now: Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    func log(_ level: Logger.Level, _ message: String, client: String, kind: String = "",
             metadata: Logger.Metadata = [:]) {
        let key = Key(level: level, message: message, kind: kind, client: client)
        guard case .log(let suppressed) = limiter.withLock({ $0.admit(key, at: Self.now) }) else { return }
        if suppressed > 0 { summarise(key, suppressed) }
        var meta = metadata
        meta["client"] = "\(client)"
        logger.log(level: level, "\(message)", metadata: meta)
    }

    func flush() {
        for (key, n) in limiter.withLock({ $0.expired(at: Self.now) }) { summarise(key, n) }
    }

    private func summarise(_ key: Key, _ suppressed: Int) {
        let interval = limiter.withLock { $0.interval }
        var meta: Logger.Metadata = ["client": "\(key.client)", "suppressed": "\(suppressed)",
                                     "interval_seconds": "\(Int(interval))"]
        if !key.kind.isEmpty { meta["kind"] = "\(key.kind)" }
        logger.log(level: key.level, "\(key.message): \(suppressed) more suppressed", metadata: meta)
    }
}
