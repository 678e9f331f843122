import TapedeckAudio

/// When a device counts as delivering no audio: pure rules on its capture counters, ring
/// positions and the monotonic clock (the engine reads those; nothing here touches a device).
/// A stalled device is `CaptureStats.stall(now:)`'s (the one-shot recorder asks it too).
public struct DeliveryRules: Sendable, Equatable {
    /// Seconds of audio the device's buffer holds.
    let bufferSeconds: Double

    init(bufferSeconds: Double) { self.bufferSeconds = bufferSeconds }

    init(format: CaptureFormat) {
        bufferSeconds = Double(format.periodFrames * format.bufferPeriods) / Double(max(1, format.sampleRate))
    }

    /// A recording that ran this long without a frame arriving had no audio: half a second,
    /// or the device's buffer when longer (a working device delivers a period every period,
    /// or overruns within a buffer and is gap-filled). Shorter ones may just have ended
    /// between two periods.
    var emptyAfterSeconds: Double { max(0.5, bufferSeconds) }

    /// Whether a recording had no audio: no frame reached its ring between its start and
    /// its end, and it ran long enough to tell (or its device is stalled).
    func hadNoAudio(framesArrived: UInt64, ranSeconds: Double, deviceStalled: Bool) -> Bool {
        framesArrived == 0 && (deviceStalled || ranSeconds >= emptyAfterSeconds)
    }
}
