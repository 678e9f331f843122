import Foundation
import Synchronization
import TapedeckAudio
import TapedeckSystem

extension AudioEngine {
    /// Watches the devices (every 250 ms, off the real-time path): a device whose capture
    /// failed is marked down and reported, then reopened with backoff (1 s, 2 s, 4 s …
    /// 30 s) into the same rings; success is reported too. It also finishes a reload that
    /// waits for recordings to end (`reconcile`).
    ///
    /// `onChange` is called on the monitor's thread after the pass that found the change
    /// has let go of the engine's locks: it may end recordings and wait for their files,
    /// and call back into the engine (a reload, a START) meanwhile.
    public func startMonitor(onChange: @escaping @Sendable (DeviceChange) -> Void) {
        self.onChange = onChange
        monitor.start { [self] in
            while !monitor.isStopping {
                let now = monotonicSeconds()
                let changes = reconfiguring.withLock {
                    topology.withLock({ Array($0.devices.values) }).compactMap { check($0, now: now) }
                }
                for change in changes { onChange(change) }
                if topology.withLock({ $0.pending }) { reconcile() }
                usleep(250_000)
            }
        }
    }

    func stopMonitor() { monitor.stop() }

    /// The configured stations on a device.
    func stations(on device: String) -> [String] {
        topology.withLock { $0.stations.values.filter { $0.device == device }.map(\.name).sorted() }
    }

    /// One device's turn of the monitor (under `reconfiguring`): what changed, to be
    /// reported once the lock is released.
    private func check(_ slot: DeviceSlot, now: Double) -> DeviceChange? {
        let name = slot.config.name
        if slot.downReason == nil {
            let stats = slot.capture.stats
            noteStall(slot, stats, now: now)
            guard stats.state == .failed else { return nil }
            let reason = ALSAError(device: slot.config.pcm, operation: "capture", code: stats.errorCode).description
            slot.markDown(reason, now: now)
            logger.error("device lost; its stations are down", metadata: ["device": "\(name)", "error": "\(reason)"])
            return .down(device: name, stations: stations(on: name), reason: reason)
        }
        guard slot.reopenDue(now: now) else { return nil }
        do {
            let capture = try Self.openCapture(slot.config, taps: slot.capture.taps, logger: logger)
            slot.replace(with: capture).stop()
            logger.notice("device reopened; its stations are up", metadata: ["device": "\(name)"])
            return .up(device: name, stations: stations(on: name))
        } catch {
            logger.info("device still unavailable", metadata: ["device": "\(name)", "error": "\(error)"])
            return nil
        }
    }
}
