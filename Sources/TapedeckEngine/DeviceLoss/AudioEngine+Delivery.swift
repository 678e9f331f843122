import TapedeckAudio
import TapedeckSystem

/// Devices that deliver no audio: stalls (for health, metrics and the journal) and
/// recordings that got nothing (they end failed, cause no_audio). See `DeliveryRules`.
extension AudioEngine {
    /// How long a device has gone without audio, when it is open, captures and is stalled.
    public func captureStall(device: String) -> Double? {
        guard let d = slot(device), d.downReason == nil else { return nil }
        return d.stats.stall(now: monotonicSeconds())
    }

    /// The device whose capture feeds `ring` now.
    func slot(feeding ring: HistoryRing) -> DeviceSlot? {
        topology.withLock { Array($0.devices.values) }.first { $0.capture.taps.contains { $0.ring === ring } }
    }

    /// `result` with the verdict on its audio: a recording whose device delivered no frame
    /// while it ran fails with cause no_audio and says so (a write error found first stays).
    func judgingAudio(_ result: RecordingResult, of h: LiveRecordingHandle, endedAt: Double) -> RecordingResult {
        guard result.error == nil else { return result }
        let end = h.endRequest.withLock { $0 } ?? h.position.load(ordering: .relaxed)
        let arrived = end > h.startWritePosition ? end - h.startWritePosition : 0
        let slot = slot(feeding: h.ring)
        let rules = slot.map { DeliveryRules(format: $0.config.format) } ?? DeliveryRules(bufferSeconds: 0)
        let stall = slot.flatMap { $0.downReason == nil ? $0.stats.stall(now: endedAt) : nil }
        let ran = max(0, endedAt - h.startedAt)
        guard rules.hadNoAudio(framesArrived: arrived, ranSeconds: ran, deviceStalled: stall != nil) else { return result }
        let device = slot?.config.name ?? "of station \(h.request.station)"
        var r = result
        r.cause = .noAudio
        r.error = "no audio: device \(device) delivered nothing in the \(CaptureStats.seconds(ran)) the recording ran"
            + (stall.map { " (stalled: no audio for \(CaptureStats.seconds($0)))" } ?? "")
        logger.warning("recording had no audio", metadata: ["path": "\(h.request.path)", "device": "\(device)",
                                                            "seconds": "\(CaptureStats.seconds(ran))"])
        return r
    }

    /// Logs a device's stall once when it begins and once when its audio comes back
    /// (the monitor's pass, every 250 ms). A capture that failed is the loss's business.
    func noteStall(_ slot: DeviceSlot, _ stats: CaptureStats, now: Double) {
        guard stats.state == .running else { return }
        let stall = stats.stall(now: now)
        guard slot.setStalled(stall != nil) else { return }
        if let stall {
            logger.warning("device stalled: open but delivering no audio",
                           metadata: ["device": "\(slot.config.name)", "quiet": "\(CaptureStats.seconds(stall))"])
        } else {
            logger.notice("device delivers audio again", metadata: ["device": "\(slot.config.name)"])
        }
    }
}
