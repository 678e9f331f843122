import Testing
@testable import TapedeckAudio

/// When a device counts as stalled (the daemon's health and no_audio verdicts, and
/// `tapedeck record`, ask the same rule).
@Suite struct CaptureStatsTests {
    func stats(_ state: CaptureState, lastAudio: Double) -> CaptureStats {
        var s = CaptureStats.neverOpened(errorCode: 0)
        s.state = state
        s.framesCaptured = 8000
        s.lastAudioSeconds = lastAudio
        return s
    }

    @Test func aRunningDeviceStallsAfterTwoSecondsWithoutAudio() {
        #expect(stats(.running, lastAudio: 100).stall(now: 101.99) == nil)
        #expect(stats(.running, lastAudio: 100).stall(now: 102) == 2)
        #expect(stats(.running, lastAudio: 100).stall(now: 113.5) == 13.5)
        // Failed or stopped: down, not stalled.
        #expect(stats(.failed, lastAudio: 100).stall(now: 200) == nil)
        #expect(stats(.stopped, lastAudio: 100).stall(now: 200) == nil)
    }

    @Test func secondsToATenth() {
        #expect(CaptureStats.seconds(2) == "2.0 s")
        #expect(CaptureStats.seconds(13.46) == "13.5 s")
    }
}
