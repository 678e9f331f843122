import Synchronization
import TapedeckControl
import TapedeckDomain

/// The daemon's own counters and histograms, kept under one lock. Only control
/// threads and the event fan-out touch it — never a capture thread: capture counters are
/// read from the engine's atomics when the metrics are rendered.
final class Metrics: Sendable {
    /// Upper bounds (seconds) of `tapedeck_command_duration_seconds`.
    static let commandBuckets: [Double] = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5]

    struct Histogram: Sendable, Equatable {
        let bounds: [Double]
        /// Observations per bucket, not cumulative; the last one is above every bound.
        var counts: [UInt64]
        var sum: Double = 0
        var count: UInt64 = 0

        init(bounds: [Double]) {
            self.bounds = bounds
            counts = Array(repeating: 0, count: bounds.count + 1)
        }

        mutating func observe(_ value: Double) {
            let i = bounds.firstIndex { value <= $0 } ?? bounds.count
            counts[i] += 1
            sum += value
            count += 1
        }
    }

    struct KindCause: Sendable, Hashable, Comparable {
        var kind: String
        var cause: String
        static func < (a: Self, b: Self) -> Bool { (a.kind, a.cause) < (b.kind, b.cause) }
    }

    /// Everything counted so far.
    struct Counters: Sendable, Equatable {
        var started: [String: UInt64] = [:]
        var completed: [KindCause: UInt64] = [:]
        var failed: [KindCause: UInt64] = [:]
        /// Sizes of the files of recordings that ended (completed or failed).
        var bytesWritten: UInt64 = 0
        /// By function.
        var commands: [String: Histogram] = [:]
        /// Configuration reloads by result (`applied`, `refused`).
        var reloads: [String: UInt64] = [:]
    }

    private let state = Mutex(Counters())

    var counters: Counters { state.withLock { $0 } }

    func recordingStarted(kind: String) {
        state.withLock { $0.started[kind, default: 0] += 1 }
    }

    func recordingEnded(kind: String, cause: String, failed: Bool, bytes: Int64?) {
        let key = KindCause(kind: kind, cause: cause)
        state.withLock { c in
            if failed { c.failed[key, default: 0] += 1 } else { c.completed[key, default: 0] += 1 }
            c.bytesWritten += UInt64(max(0, bytes ?? 0))
        }
    }

    func reloaded(applied: Bool) {
        state.withLock { $0.reloads[applied ? "applied" : "refused", default: 0] += 1 }
    }

    func commandHandled(function: String, seconds: Double) {
        state.withLock { $0.commands[function, default: Histogram(bounds: Self.commandBuckets)].observe(seconds) }
    }
}

/// Counts recordings from the controller's events (started, completed — discarded ones
/// included, cause too_short — and failed).
struct MetricsSink: EventSink {
    let metrics: Metrics

    func publish(_ event: Event) {
        switch event.payload {
        case .recordingStarted(let r):
            metrics.recordingStarted(kind: r.kind.rawValue)
        case .recordingCompleted(let r):
            metrics.recordingEnded(kind: r.kind.rawValue, cause: r.cause ?? EndCause.stopped.rawValue, failed: false, bytes: r.sizeBytes)
        case .recordingFailed(let r, _):
            metrics.recordingEnded(kind: r.kind.rawValue, cause: r.cause ?? EndCause.error.rawValue, failed: true, bytes: r.sizeBytes)
        case .recordingPaused, .recordingResumed, .agentLogin, .agentLogout, .subscriberCutOff, .stationDown, .stationUp:
            break
        }
    }
}
