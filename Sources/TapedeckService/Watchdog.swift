import Foundation
import Logging

/// What a liveness check found.
public enum Liveness: Sendable, Equatable {
    /// Every part that must make progress did.
    case alive
    /// Something is stuck; the text says what (it is logged once, when the state changes).
    case stalled(String)
}

/// systemd's watchdog fed from proof of life, not from a timer: every `pingInterval`
/// (half of `WatchdogSec`, as sd_watchdog_enabled(3) advises) it runs the daemon's
/// liveness check and sends `WATCHDOG=1` only when the check answers `.alive`. A capture
/// thread or writer that stops making progress therefore stops the pings, and systemd
/// kills and (with `Restart=on-failure`) restarts the service after `WatchdogSec`.
///
/// The check runs on the watchdog's own thread: it must be quick, must not block, and may
/// only read state that is safe to read from another thread (atomics, locked counters).
/// Logs one line when the check first fails (error) and one when it passes again (notice);
/// nothing per ping.
public final class Watchdog: @unchecked Sendable {
    /// systemd's `WatchdogSec`.
    public let interval: Duration
    /// How often the check runs (and a ping may be sent).
    public let pingInterval: Duration

    private let notifier: SystemdNotifier
    private let check: @Sendable () -> Liveness
    private let logger: Logger
    private let condition = NSCondition()
    private var running = false
    private var stopRequested = false
    private var finished = true
    private var pings = 0
    private var checks = 0
    private var lastState: Liveness = .alive

    /// A watchdog pinging through `notifier` every `pingInterval` (default: `interval / 2`)
    /// while `check` returns `.alive`.
    public init(notifier: SystemdNotifier, interval: Duration, pingInterval: Duration? = nil,
                logger: Logger = Logger(label: "tapedeckd.watchdog"),
                check: @escaping @Sendable () -> Liveness) {
        self.notifier = notifier
        self.interval = interval
        self.pingInterval = pingInterval ?? interval / 2
        self.logger = logger
        self.check = check
    }

    /// The same with a yes/no check (`true` is alive).
    public convenience init(notifier: SystemdNotifier, interval: Duration, pingInterval: Duration? = nil,
                            logger: Logger = Logger(label: "tapedeckd.watchdog"),
                            isAlive: @escaping @Sendable () -> Bool) {
        self.init(notifier: notifier, interval: interval, pingInterval: pingInterval, logger: logger) {
            isAlive() ? .alive : .stalled("liveness check failed")
        }
    }

    /// The watchdog systemd asked for (`$WATCHDOG_USEC` for this process) through the
    /// notifier, or nil when there is none to feed (no `WatchdogSec`, or no `$NOTIFY_SOCKET`).
    public static func fromEnvironment(
        notifier: SystemdNotifier,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        logger: Logger = Logger(label: "tapedeckd.watchdog"),
        check: @escaping @Sendable () -> Liveness
    ) -> Watchdog? {
        guard notifier.isEnabled,
              let interval = SystemdNotifier.watchdogInterval(environment: environment) else { return nil }
        return Watchdog(notifier: notifier, interval: interval, logger: logger, check: check)
    }

    /// Starts the pinging thread (once; later calls do nothing). The first check runs one
    /// `pingInterval` after the start, so the parts it watches have time to show progress.
    public func start() {
        condition.lock()
        defer { condition.unlock() }
        guard !running, finished else { return }
        running = true
        stopRequested = false
        finished = false
        let thread = Thread { [self] in self.loop() }
        thread.name = "tapedeck-watchdog"
        thread.start()
        logger.info("watchdog started", metadata: [
            "interval_ms": "\(Self.milliseconds(interval))", "ping_ms": "\(Self.milliseconds(pingInterval))",
        ])
    }

    /// Stops pinging and waits for the thread to end. Call it before `STOPPING=1` work that
    /// may outlast `WatchdogSec` (systemd ignores the watchdog once stopping has begun).
    public func stop() {
        condition.lock()
        defer { condition.unlock() }
        guard running else { return }
        stopRequested = true
        condition.broadcast()
        while !finished { condition.wait() }
        running = false
    }

    /// `WATCHDOG=1` messages sent so far.
    public var pingsSent: Int {
        condition.lock(); defer { condition.unlock() }
        return pings
    }

    /// Checks run so far.
    public var checksRun: Int {
        condition.lock(); defer { condition.unlock() }
        return checks
    }

    private func loop() {
        condition.lock()
        while true {
            let deadline = Date(timeIntervalSinceNow: Self.seconds(pingInterval))
            while !stopRequested, condition.wait(until: deadline) {}
            if stopRequested { break }
            condition.unlock()
            let state = check()
            var delivered = false
            if state == .alive { delivered = notifier.watchdog() == .sent }
            condition.lock()
            checks += 1
            if delivered { pings += 1 }
            let previous = lastState
            lastState = state
            condition.unlock()
            report(previous: previous, now: state)
            condition.lock()
        }
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    private func report(previous: Liveness, now: Liveness) {
        switch (previous, now) {
        case (.alive, .stalled(let why)):
            logger.error("watchdog: not alive, withholding WATCHDOG=1", metadata: ["reason": "\(why)"])
        case (.stalled, .alive):
            logger.notice("watchdog: alive again, pinging")
        default:
            break
        }
    }

    static func seconds(_ d: Duration) -> Double {
        let (s, atto) = d.components
        return Double(s) + Double(atto) / 1e18
    }

    static func milliseconds(_ d: Duration) -> Int64 {
        let (s, atto) = d.components
        return s * 1000 + atto / 1_000_000_000_000_000
    }
}
