import Foundation
import Testing
@testable import TapedeckAudio

/// Interleaves two legs into agent/customer pairs.
func framePairs(agent: [Int16], customer: [Int16]) -> [Int16] {
    precondition(agent.count == customer.count)
    var out = [Int16](repeating: 0, count: 2 * agent.count)
    for i in 0..<agent.count {
        out[2 * i] = agent[i]
        out[2 * i + 1] = customer[i]
    }
    return out
}

/// Feeds pairs in uneven chunks from `origin`; every event returned.
func detectSilence(_ pairs: [Int16], detector: inout SilenceDetector, origin: UInt64 = 77_777,
                   chunks: [Int] = [4096, 1, 333, 160, 2000, 7]) -> [SilenceEvent] {
    var events: [SilenceEvent] = []
    let frames = pairs.count / 2
    var offset = 0, i = 0
    pairs.withUnsafeBufferPointer { p in
        while offset < frames {
            let n = min(chunks[i % chunks.count], frames - offset)
            if let e = detector.process(pairs: p.baseAddress! + 2 * offset, frames: n, startPosition: origin + UInt64(offset)) {
                events.append(e)
            }
            offset += n
            i += 1
        }
    }
    return events
}

@Suite struct SilenceDetectorTests {
    let origin: UInt64 = 77_777

    func tone(_ frames: Int, rate: Int, dbfs: Double = -20, f: Double = 1000) -> [Double] {
        TestSignal.sines([(f, dbfs)], rate: rate, frames: frames)
    }

    @Test(arguments: [8000, 16000, 48000])
    func exactStartAndDetection(rate: Int) {
        // Customer talks until an arbitrary frame, agent quiet; then 4 s of silence.
        let talk = 3 * rate / 2 + 37
        let customer = TestSignal.int16(tone(talk, rate: rate) + TestSignal.silence(4 * rate))
        let agent = [Int16](repeating: 0, count: customer.count)
        var d = SilenceDetector(sampleRate: rate, thresholdDBFS: -45, requiredSeconds: 3)
        let events = detectSilence(framePairs(agent: agent, customer: customer), detector: &d, origin: origin)
        #expect(events.count == 1)
        guard let e = events.first else { return }
        let truth = origin + UInt64(talk)
        // Within a quarter period of the 1 kHz tone that stopped.
        #expect(abs(Int(e.start) - Int(truth)) <= rate / 4000 + 1, "start \(e.start), silence from \(truth)")
        #expect(e.detectedAt >= e.start + UInt64(3 * rate))
        #expect(e.detectedAt < e.start + UInt64(3 * rate) + UInt64(d.blockFrames))
    }

    @Test func requiresTheFullTime() {
        let rate = 8000
        // 2.9 s of silence between talk: no event; 3.0 s: an event.
        for (gap, expected) in [(2.9, 0), (3.05, 1)] {
            let s = tone(4000, rate: rate) + TestSignal.silence(Int(gap * Double(rate))) + tone(4000, rate: rate)
            let leg = TestSignal.int16(s)
            var d = SilenceDetector(sampleRate: rate, requiredSeconds: 3)
            #expect(detectSilence(framePairs(agent: leg, customer: leg), detector: &d).count == expected, "gap \(gap) s")
        }
    }

    @Test func oneLegTalkingPreventsIt() {
        let rate = 8000
        let quiet = [Int16](repeating: 0, count: 10 * rate)
        // Speech-like: a vowel with pauses shorter than 3 s, then steady noise.
        var talk = [Double]()
        while talk.count < 10 * rate {
            talk += TestSignal.vowel(formants: [(730, 60), (1090, 80), (2440, 120)], f0: 110, f0End: 150, rate: rate, frames: rate, peakDBFS: -20)
            talk += TestSignal.silence(2 * rate)
        }
        let voice = TestSignal.int16(Array(talk.prefix(10 * rate)))
        for (agent, customer) in [(voice, quiet), (quiet, voice)] {
            var d = SilenceDetector(sampleRate: rate, requiredSeconds: 3)
            #expect(detectSilence(framePairs(agent: agent, customer: customer), detector: &d).isEmpty)
        }
        // Both legs quiet for the same stretch: detected.
        var d = SilenceDetector(sampleRate: rate, requiredSeconds: 3)
        #expect(detectSilence(framePairs(agent: quiet, customer: quiet), detector: &d).count == 1)
    }

    @Test(arguments: [-45.0, -30, -55])
    func thresholdWithinOneDB(threshold: Double) {
        let rate = 8000
        for (offset, silent) in [(1.0, false), (-1.0, true)] {
            // A sine (peak = AES17 level) and white noise (RMS + 3 dB) at threshold ± 1 dB.
            let sine = TestSignal.int16(tone(5 * rate, rate: rate, dbfs: threshold + offset, f: 440))
            let noise = TestSignal.int16(TestSignal.noise(frames: 5 * rate, rmsDBFS: threshold + offset))
            for (name, leg) in [("sine", sine), ("noise", noise)] {
                let quiet = [Int16](repeating: 0, count: leg.count)
                for (agent, customer) in [(leg, quiet), (quiet, leg)] {
                    var d = SilenceDetector(sampleRate: rate, thresholdDBFS: threshold, requiredSeconds: 3)
                    let events = detectSilence(framePairs(agent: agent, customer: customer), detector: &d)
                    #expect(events.count == (silent ? 1 : 0), "\(name) at \(threshold + offset) dBFS, threshold \(threshold)")
                    if silent { #expect(events.first?.start == origin) }
                }
            }
        }
    }

    @Test func resetStartsOver() {
        let rate = 8000
        let quiet = [Int16](repeating: 0, count: 2 * rate)
        let pairs = framePairs(agent: quiet, customer: quiet)
        var d = SilenceDetector(sampleRate: rate, requiredSeconds: 3)
        #expect(detectSilence(pairs, detector: &d, origin: 0).isEmpty)          // 0–2 s
        #expect(d.silenceStart == 0)
        d.reset()
        #expect(d.silenceStart == nil)
        #expect(detectSilence(pairs, detector: &d, origin: 2 * 8000).isEmpty)   // 2–4 s: only 2 s since reset
        let e = detectSilence(pairs, detector: &d, origin: 4 * 8000)             // 4–6 s
        #expect(e == [SilenceEvent(start: 16000, detectedAt: 40000)])
    }

    @Test func gapInPositionsResets() {
        let rate = 8000
        let quiet = [Int16](repeating: 0, count: 2 * rate)
        let pairs = framePairs(agent: quiet, customer: quiet)
        var d = SilenceDetector(sampleRate: rate, requiredSeconds: 3)
        #expect(detectSilence(pairs, detector: &d, origin: 0).isEmpty)
        // Paused for 10 s (not fed): the next 2 s do not complete the 3 s.
        #expect(detectSilence(pairs, detector: &d, origin: 12 * 8000).isEmpty)
        #expect(detectSilence(pairs, detector: &d, origin: 14 * 8000) == [SilenceEvent(start: 96000, detectedAt: 120000)])
    }

    @Test func oncePerSilenceAndAgainAfterTalk() {
        let rate = 8000
        var s = TestSignal.silence(5 * rate) + tone(rate / 2, rate: rate) + TestSignal.silence(4 * rate)
        s += TestSignal.silence(rate)
        let leg = TestSignal.int16(s)
        var d = SilenceDetector(sampleRate: rate, requiredSeconds: 3)
        let events = detectSilence(framePairs(agent: leg, customer: leg), detector: &d, origin: 0)
        #expect(events.count == 2)
        #expect(events.first == SilenceEvent(start: 0, detectedAt: 24000))
        if events.count == 2 {
            #expect(abs(Int(events[1].start) - (5 * rate + rate / 2)) <= 3)
        }
    }

    @Test func chunkingDoesNotMatter() {
        let rate = 16000
        let s = TestSignal.int16(TestSignal.noise(frames: rate, rmsDBFS: -30) + TestSignal.noise(frames: 4 * rate, rmsDBFS: -60, seed: 9))
        let pairs = framePairs(agent: s, customer: s)
        var results: [[SilenceEvent]] = []
        for chunks in [[1], [4096], [320], [17, 4096, 5]] {
            var d = SilenceDetector(sampleRate: rate, thresholdDBFS: -45, requiredSeconds: 3.5)
            results.append(detectSilence(pairs, detector: &d, chunks: chunks))
        }
        #expect(results.allSatisfy { $0 == results[0] && $0.count == 1 })
        #expect(SilenceDetector(sampleRate: 16000, requiredSeconds: 3).blockFrames == 800)
    }
}
