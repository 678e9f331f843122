import TapedeckSystem
import Foundation
import Synchronization
import Testing
@testable import TapedeckAudio

/// A clock the test sets: the device's time, in seconds.
final class SetClock: Sendable {
    private let bits = Atomic<UInt64>(0)
    init(_ seconds: Double) { set(seconds) }
    func set(_ seconds: Double) { bits.store(seconds.bitPattern, ordering: .relaxed) }
    func advance(_ seconds: Double) { set(now() + seconds) }
    @Sendable func now() -> Double { Double(bitPattern: bits.load(ordering: .relaxed)) }
}

/// The virtual device served like a card: on time it delivers everything, late beyond its
/// buffer it overruns and loses what happened meanwhile; its tones come from tables.
@Suite struct VirtualCaptureSourceTests {
    let format = CaptureFormat(sampleRate: 8000, channels: 2, periodMilliseconds: 20, bufferPeriods: 8)

    func readAll(_ source: VirtualCaptureSource, frames: Int) -> [Int16] {
        var out = [Int16](repeating: 0, count: frames * source.channels)
        var done = 0
        while done < frames {
            let n = out.withUnsafeMutableBufferPointer {
                source.read(into: $0.baseAddress! + done * source.channels, frames: frames - done)
            }
            precondition(n > 0)
            done += n
        }
        return out
    }

    /// The tables play what the formula says: 9000 × (0.6 + 0.4 sin 2π·4t) × sin 2πf₀t while
    /// the leg talks (agent 0.1–1.1 s, customer 1.3–2.3 s of a 2.4 s turn), f₀ = 440 / 1000 Hz
    /// + 20 Hz per station; within one unit (the tables are single precision).
    @Test(arguments: [8000, 11025, 44100])
    func tonesAreTheFormulasSamples(rate: Int) {
        let channels = 6
        let source = VirtualCaptureSource(format: CaptureFormat(sampleRate: rate, channels: channels), clock: { 0 })
        _ = source.start()
        let frames = 13 * rate / 2   // 6.5 s: more than two turns and a syllable period
        let got = readAll(source, frames: frames)
        var worst = 0
        for f in 0..<frames {
            let t = Double(f) / Double(rate)
            let turn = t.truncatingRemainder(dividingBy: 2.4)
            for c in 0..<channels {
                let isAgent = c % 2 == 0
                let talking = isAgent ? (turn >= 0.1 && turn < 1.1) : (turn >= 1.3 && turn < 2.3)
                let f0 = (isAgent ? 440.0 : 1000.0) + 20 * Double(c / 2)
                let s = talking ? 9000 * (0.6 + 0.4 * sin(2 * Double.pi * 4 * t)) * sin(2 * Double.pi * f0 * t) : 0
                worst = max(worst, abs(Int(got[f * channels + c]) - Int(Int16(s))))
            }
        }
        #expect(worst <= 1)
    }

    @Test func servedWithinItsBufferItLosesNothing() {
        let clock = SetClock(100)
        let source = VirtualCaptureSource(format: format, clock: clock.now)
        #expect(source.bufferFrames == 1280)
        _ = source.start()
        #expect(source.wait(timeoutMilliseconds: 0) == 0)   // no period has happened yet
        clock.advance(0.02)
        #expect(source.wait(timeoutMilliseconds: 0) == 1)
        // 1,279 frames waiting: one short of the buffer, still no overrun.
        clock.set(100 + 1279.0 / 8000)
        #expect(source.wait(timeoutMilliseconds: 0) == 1)
        #expect(readAll(source, frames: 1279).count == 2 * 1279)
        #expect(source.triggerTime() == 100)
    }

    /// Served later than 8 × 20 ms allows: -EPIPE from wait and read, as from ALSA; after
    /// recovering it plays on from the present, the half second in between skipped.
    @Test func servedLateItOverrunsAndSkipsWhatHappened() {
        let clock = SetClock(100)
        let source = VirtualCaptureSource(format: format, clock: clock.now)
        _ = source.start()
        clock.advance(0.02)
        #expect(readAll(source, frames: 160).count == 320)
        clock.set(100.5)
        #expect(source.wait(timeoutMilliseconds: 0) == -EPIPE)
        var buffer = [Int16](repeating: 0, count: 320)
        #expect(buffer.withUnsafeMutableBufferPointer { source.read(into: $0.baseAddress!, frames: 160) } == -Int(EPIPE))
        #expect(source.recover(from: -EPIPE) == 0)
        #expect(source.triggerTime() == 100.5)
        #expect(source.wait(timeoutMilliseconds: 0) == 0)
        clock.advance(0.02)
        #expect(source.wait(timeoutMilliseconds: 0) == 1)
        let after = readAll(source, frames: 160)
        // What a source read all along plays at 0.5 s.
        let reference = VirtualCaptureSource(format: format, clock: { 0 })
        _ = reference.start()
        let all = readAll(reference, frames: 4000 + 160)
        #expect(after == Array(all[(2 * 4000)...]))
        #expect(after.contains { $0 != 0 })
    }

    /// The capture loop on a virtual device whose reader was a second late: one overrun,
    /// about a second of frames lost, replaced by as much silence in the ring.
    @Test func aCaptureServedLateCountsTheOverrunAndTheFramesLost() throws {
        let offset = SetClock(0)
        let source = VirtualCaptureSource(format: format, clock: { monotonicSeconds() + offset.now() })
        let ring = HistoryRing(seconds: 5, sampleRate: 8000)
        let capture = DeviceCapture(source: source, taps: [StationTap(ring: ring, agentChannel: 0, customerChannel: 1)])
        try capture.start()
        defer { capture.stop() }
        let deadline = monotonicSeconds() + 20
        while capture.stats.framesCaptured < 800 && monotonicSeconds() < deadline { usleep(5_000) }
        #expect(capture.stats.overruns == 0 && capture.stats.framesGapFilled == 0)
        offset.set(1.0)   // the device's clock runs a second ahead of its reader
        while capture.stats.overruns == 0 && monotonicSeconds() < deadline { usleep(5_000) }
        let stats = capture.stats
        #expect(stats.overruns == 1)
        // Everything unread when the overrun was seen: the second, and what was waiting.
        #expect(stats.framesGapFilled >= 8000 && stats.framesGapFilled < 8000 + 1280 + 160, "\(stats.framesGapFilled)")
        while ring.writePosition < stats.framesCaptured + stats.framesGapFilled + 160 && monotonicSeconds() < deadline {
            usleep(5_000)
        }
        #expect(ring.writePosition >= capture.stats.framesCaptured)
    }

    @Test func speechFromAWAVFileLoops() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vspeech-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // Three frames of a two-channel 8 kHz file.
        let samples: [Int16] = [1, -1, 2, -2, 3, -3]
        var wav = Data("RIFF".utf8)
        func le32(_ v: Int) -> [UInt8] { [UInt8(v & 255), UInt8(v >> 8 & 255), UInt8(v >> 16 & 255), UInt8(v >> 24 & 255)] }
        func le16(_ v: Int) -> [UInt8] { [UInt8(v & 255), UInt8(v >> 8 & 255)] }
        wav += le32(36 + 2 * samples.count) + Array("WAVEfmt ".utf8) + le32(16) + le16(1) + le16(2) + le32(8000)
        wav += le32(32000) + le16(4) + le16(16) + Array("data".utf8) + le32(2 * samples.count)
        for s in samples { wav += le16(Int(UInt16(bitPattern: s))) }
        let path = dir.appendingPathComponent("talk.wav").path
        try wav.write(to: URL(fileURLWithPath: path))
        let speech = try VirtualSpeech(path: path, sampleRate: 8000)
        #expect(speech.frames == 3 && speech.fileChannels == 2)
        // Four device channels: 0 and 2 play the file's first, 1 and 3 its second.
        let source = VirtualCaptureSource(format: CaptureFormat(sampleRate: 8000, channels: 4), speech: speech, clock: { 0 })
        _ = source.start()
        #expect(readAll(source, frames: 4) == [1, -1, 1, -1, 2, -2, 2, -2, 3, -3, 3, -3, 1, -1, 1, -1])
        // Two: the file as it is; the third frame is followed by the first (the loop).
        let two = VirtualCaptureSource(format: CaptureFormat(sampleRate: 8000, channels: 2), speech: speech, clock: { 0 })
        _ = two.start()
        #expect(readAll(two, frames: 5) == [1, -1, 2, -2, 3, -3, 1, -1, 2, -2])
        // Five: the last device channel plays the file's first again (channel 4 mod 2).
        let odd = VirtualCaptureSource(format: CaptureFormat(sampleRate: 8000, channels: 5), speech: speech, clock: { 0 })
        _ = odd.start()
        #expect(readAll(odd, frames: 2) == [1, -1, 1, -1, 1, 2, -2, 2, -2, 2])
        #expect(throws: VirtualSpeech.LoadError.self) { try VirtualSpeech(path: path, sampleRate: 16000) }
        #expect(throws: VirtualSpeech.LoadError.self) { try VirtualSpeech(path: dir.path + "/none.wav", sampleRate: 8000) }
    }
}
