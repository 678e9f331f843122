import Testing
@testable import TapedeckEngine
import TapedeckAudio

/// When a recording counts as having had no audio (a stalled device: CaptureStatsTests).
@Suite struct DeliveryRulesTests {
    @Test func theBoundForAnEmptyRecordingIsHalfASecondOrTheDeviceBuffer() {
        // 20 ms × 8 periods = 0.16 s: half a second.
        #expect(DeliveryRules(format: CaptureFormat(sampleRate: 8000, channels: 2)).emptyAfterSeconds == 0.5)
        // 100 ms × 8 = 0.8 s.
        let slow = DeliveryRules(format: CaptureFormat(sampleRate: 8000, channels: 2, periodMilliseconds: 100))
        #expect(abs(slow.bufferSeconds - 0.8) < 1e-9)
        #expect(slow.emptyAfterSeconds == slow.bufferSeconds)
    }

    @Test func aRecordingHadNoAudioWhenNothingArrivedWhileItRan() {
        let rules = DeliveryRules(bufferSeconds: 0.16)
        #expect(rules.hadNoAudio(framesArrived: 0, ranSeconds: 3, deviceStalled: false))
        #expect(rules.hadNoAudio(framesArrived: 0, ranSeconds: 0.5, deviceStalled: false))
        // Something arrived: audio, however little.
        #expect(!rules.hadNoAudio(framesArrived: 1, ranSeconds: 60, deviceStalled: true))
        // Ended between two periods on a device that delivers: a short recording, not a failure.
        #expect(!rules.hadNoAudio(framesArrived: 0, ranSeconds: 0.01, deviceStalled: false))
        // On a stalled device even a short one got nothing.
        #expect(rules.hadNoAudio(framesArrived: 0, ranSeconds: 0.01, deviceStalled: true))
    }
}
