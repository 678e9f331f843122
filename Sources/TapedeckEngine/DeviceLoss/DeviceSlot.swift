import Synchronization
import TapedeckAudio

/// A configured device and its current capture: replaced when a lost device is reopened.
final class DeviceSlot: @unchecked Sendable {
    let config: EngineLayout.Device
    private struct State {
        var capture: any CaptureControl
        /// What the captures replaced so far counted (frames, overruns, gaps), so the
        /// device's counters never go back when it is reopened.
        var earlier = CaptureStats.neverOpened(errorCode: 0)
        /// Why the device is down, while it is.
        var down: String?
        /// A stall was logged and audio has not come back since.
        var stalled = false
        var backoff = 1.0
        var nextAttempt = 0.0
    }
    private let state: Mutex<State>

    init(config: EngineLayout.Device, capture: any CaptureControl) {
        self.config = config
        self.state = Mutex(State(capture: capture))
    }

    var capture: any CaptureControl { state.withLock { $0.capture } }

    /// The device's counters since it was first opened: the current capture's state and
    /// error, its counts plus those of the captures before it.
    var stats: CaptureStats {
        let (capture, earlier) = state.withLock { ($0.capture, $0.earlier) }
        var s = capture.stats
        s.framesCaptured += earlier.framesCaptured
        s.overruns += earlier.overruns
        s.suspends += earlier.suspends
        s.framesGapFilled += earlier.framesGapFilled
        return s
    }
    var downReason: String? { state.withLock { $0.down } }

    /// Records whether the device is stalled; returns whether that changed.
    func setStalled(_ stalled: Bool) -> Bool {
        state.withLock { s in
            defer { s.stalled = stalled }
            return s.stalled != stalled
        }
    }

    func markDown(_ reason: String, now: Double) {
        state.withLock { $0.down = reason; $0.backoff = 1; $0.nextAttempt = now + 1 }
    }

    /// Whether a reopen is due; if it is, the next one is pushed back (doubling, up to 30 s).
    func reopenDue(now: Double) -> Bool {
        state.withLock { s in
            guard s.down != nil, now >= s.nextAttempt else { return false }
            s.backoff = min(s.backoff * 2, 30)
            s.nextAttempt = now + s.backoff
            return true
        }
    }

    func replace(with capture: any CaptureControl) -> any CaptureControl {
        state.withLock { s in
            let old = s.capture
            let counted = old.stats
            s.earlier.framesCaptured += counted.framesCaptured
            s.earlier.overruns += counted.overruns
            s.earlier.suspends += counted.suspends
            s.earlier.framesGapFilled += counted.framesGapFilled
            s.capture = capture
            s.down = nil
            s.stalled = false
            return old
        }
    }
}
