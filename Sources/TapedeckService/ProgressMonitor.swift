import Foundation

/// Turns counters that must keep moving (capture loop turns per device, writer loop turns)
/// into a `Liveness` for the `Watchdog`: `.alive` while every counter has changed within
/// `maxStall`, `.stalled("…")` naming the first one that has not.
///
/// A counter seen for the first time counts as having just moved (a grace period of
/// `maxStall`); a counter no longer reported is forgotten. Thread-safe.
///
///     let progress = ProgressMonitor(maxStall: .seconds(5))
///     let watchdog = Watchdog(notifier: notifier, interval: interval) {
///         progress.check(["capture card1": engine.captureTurns("card1"), "writer": writer.ticks])
///     }
public final class ProgressMonitor: @unchecked Sendable {
    public typealias Instant = ContinuousClock.Instant

    /// The longest a counter may stand still and still count as alive.
    public let maxStall: Duration
    private let now: @Sendable () -> Instant
    private let lock = NSLock()
    private var seen: [String: (value: UInt64, changed: Instant)] = [:]

    /// `now` is the clock (tests pass their own).
    public init(maxStall: Duration, now: @escaping @Sendable () -> Instant = { ContinuousClock.now }) {
        self.maxStall = maxStall
        self.now = now
    }

    /// Records `counters` and says whether all of them moved recently enough. Names are
    /// checked in sorted order, so the reason names the same stalled counter every time.
    public func check(_ counters: [String: UInt64]) -> Liveness {
        let t = now()
        lock.lock()
        defer { lock.unlock() }
        var next: [String: (value: UInt64, changed: Instant)] = [:]
        var stalled: String?
        for name in counters.keys.sorted() {
            let value = counters[name]!
            var entry = (value: value, changed: t)
            if let old = seen[name], old.value == value {
                entry.changed = old.changed
                if stalled == nil, t - old.changed > maxStall {
                    stalled = "\(name) has not progressed for more than \(Self.text(maxStall))"
                }
            }
            next[name] = entry
        }
        seen = next
        return stalled.map(Liveness.stalled) ?? .alive
    }

    /// Forgets every counter (e.g. after the devices were reopened).
    public func reset() {
        lock.lock(); defer { lock.unlock() }
        seen = [:]
    }

    private static func text(_ d: Duration) -> String {
        let (s, atto) = d.components
        let ms = s * 1000 + atto / 1_000_000_000_000_000
        return ms % 1000 == 0 ? "\(ms / 1000) s" : "\(ms) ms"
    }
}
