import Foundation
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

/// What happened to a device.
public enum DeviceChange: Sendable {
    /// The device failed; its stations are down.
    case down(device: String, stations: [String], reason: String)
    /// The device was reopened; its stations capture again.
    case up(device: String, stations: [String])
}

extension AudioEngine {
    /// Watches the devices (every 250 ms, off the real-time path): a device whose capture
    /// failed is marked down and reported, then reopened with backoff (1 s, 2 s, 4 s …
    /// 30 s) into the same rings; success is reported too. It also finishes a reload that
    /// waits for recordings to end (`reconcile`).
    public func startMonitor(onChange: @escaping @Sendable (DeviceChange) -> Void) {
        self.onChange = onChange
        let t = Thread { [self] in
            while !monitorStop.load(ordering: .relaxed) {
                let now = monotonicSeconds()
                reconfiguring.withLock {
                    for slot in topology.withLock({ Array($0.devices.values) }) { check(slot, now: now, onChange: onChange) }
                }
                if topology.withLock({ $0.pending }) { reconcile() }
                usleep(250_000)
            }
            monitorExited.signal()
        }
        t.name = "tapedeck-devices"
        t.start()
        monitorThread = t
    }

    func stopMonitor() {
        guard monitorThread != nil else { return }
        monitorStop.store(true, ordering: .relaxed)
        monitorExited.wait()
        monitorThread = nil
    }

    /// The configured stations on a device.
    func stations(on device: String) -> [String] {
        topology.withLock { $0.stations.values.filter { $0.device == device }.map(\.name).sorted() }
    }

    private func check(_ slot: DeviceSlot, now: Double, onChange: @Sendable (DeviceChange) -> Void) {
        let name = slot.config.name
        if slot.downReason == nil {
            let stats = slot.capture.stats
            noteStall(slot, stats, now: now)
            guard stats.state == .failed else { return }
            let reason = ALSAError(device: slot.config.pcm, operation: "capture", code: stats.errorCode).description
            slot.markDown(reason, now: now)
            logger.error("device lost; its stations are down", metadata: ["device": "\(name)", "error": "\(reason)"])
            onChange(.down(device: name, stations: stations(on: name), reason: reason))
            return
        }
        guard slot.reopenDue(now: now) else { return }
        do {
            let capture = try Self.openCapture(slot.config, taps: slot.capture.taps, logger: logger)
            slot.replace(with: capture).stop()
            logger.notice("device reopened; its stations are up", metadata: ["device": "\(name)"])
            onChange(.up(device: name, stations: stations(on: name)))
        } catch {
            logger.info("device still unavailable", metadata: ["device": "\(name)", "error": "\(error)"])
        }
    }
}
