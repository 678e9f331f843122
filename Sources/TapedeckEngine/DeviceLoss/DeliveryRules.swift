import Foundation
import TapedeckAudio

/// When a device counts as delivering no audio: pure rules on its capture counters, ring
/// positions and the monotonic clock (the engine reads those; nothing here touches a device).
public struct DeliveryRules: Sendable, Equatable {
    /// A running device that has delivered no frame for this long is stalled: longer than
    /// a PulseAudio stream takes to deliver its first audio (~1.5 s), and than two device
    /// buffers at the longest period (2 × 8 × 100 ms).
    public static let stallSeconds = 2.0

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

    /// How long a device has gone without audio, when that makes it stalled: only a running
    /// capture can stall (a failed one is down).
    static func stall(_ stats: CaptureStats, now: Double) -> Double? {
        guard stats.state == .running else { return nil }
        let quiet = now - stats.lastAudioSeconds
        return quiet >= stallSeconds ? quiet : nil
    }

    /// Whether a recording had no audio: no frame reached its ring between its start and
    /// its end, and it ran long enough to tell (or its device is stalled).
    func hadNoAudio(framesArrived: UInt64, ranSeconds: Double, deviceStalled: Bool) -> Bool {
        framesArrived == 0 && (deviceStalled || ranSeconds >= emptyAfterSeconds)
    }

    /// `2.0 s`, `13.4 s`: seconds for health and reasons, to a tenth.
    public static func seconds(_ s: Double) -> String { String(format: "%.1f s", s) }
}
