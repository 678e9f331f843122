import TapedeckSystem
#if canImport(Glibc)
import Glibc
#endif

/// A built-in capture device for demos, development and benchmarks, selected by the device
/// name `virtual`. It behaves like a sound card: audio "happens" at the sample rate of the
/// clock whether or not it is read, a period is ready once its last frame has happened,
/// and a buffer of `bufferPeriods` periods holds what has not been read yet. Served later
/// than that buffer allows, it overruns (-EPIPE from `wait` and `read`), and what happened
/// meanwhile is gone: after `recover` it plays on from the present, so the capture loop
/// counts the overrun and the frames lost as it does for a card.
///
/// What it plays: the tone conversation of `VirtualTones` on every channel pair, or a
/// recorded file looped (`VirtualSpeech`). Either is precomputed: the capture thread
/// copies, it does not synthesise.
public final class VirtualCaptureSource: CaptureSource, @unchecked Sendable {
    public static let deviceName = "virtual"
    public let channels: Int
    public let sampleRate: Int
    public let periodFrames: Int
    /// Frames the device buffer holds (periods × period length).
    public let bufferFrames: Int
    private let tones: VirtualTones?
    private let speech: VirtualSpeech?
    private let clock: @Sendable () -> Double
    /// The frame of the programme that plays now-ish: the next one read.
    private var position = 0
    /// When the stream last (re)started, and the frames read since.
    private var startTime = 0.0
    private var consumed = 0

    /// The tone conversation. `clock` (monotonic seconds) is the device's time; tests move it.
    public init(format: CaptureFormat, clock: @escaping @Sendable () -> Double = monotonicSeconds) {
        channels = format.channels
        sampleRate = format.sampleRate
        periodFrames = format.periodFrames
        bufferFrames = format.periodFrames * format.bufferPeriods
        tones = VirtualTones(channels: format.channels, sampleRate: format.sampleRate, maxFrames: format.periodFrames)
        speech = nil
        self.clock = clock
    }

    /// A recorded file, looped (see `VirtualSpeech` for how channels map).
    public init(format: CaptureFormat, speech: VirtualSpeech, clock: @escaping @Sendable () -> Double = monotonicSeconds) {
        channels = format.channels
        sampleRate = format.sampleRate
        periodFrames = format.periodFrames
        bufferFrames = format.periodFrames * format.bufferPeriods
        tones = nil
        self.speech = speech
        self.clock = clock
    }

    public func start() -> Int32 {
        startTime = clock()
        consumed = 0
        return 0
    }

    /// Frames that have happened since the stream started and were not read yet.
    private func available(at now: Double) -> Double {
        (now - startTime) * Double(sampleRate) - Double(consumed)
    }

    private func overran(at now: Double) -> Bool { available(at: now) >= Double(bufferFrames) }

    public func wait(timeoutMilliseconds: Int32) -> Int32 {
        var now = clock()
        if overran(at: now) { return -EPIPE }
        let due = startTime + Double(consumed + periodFrames) / Double(sampleRate)
        if now >= due { return 1 }
        let sleep = min(due - now, Double(timeoutMilliseconds) / 1000)
        var ts = timespec(tv_sec: Int(sleep), tv_nsec: Int((sleep - Double(Int(sleep))) * 1e9))
        nanosleep(&ts, nil)
        now = clock()
        if overran(at: now) { return -EPIPE }
        return now >= due ? 1 : 0
    }

    public func read(into buffer: UnsafeMutablePointer<Int16>, frames: Int) -> Int {
        if overran(at: clock()) { return -Int(EPIPE) }
        let n = min(frames, periodFrames)
        if let speech {
            speech.render(into: buffer, channels: channels, frames: n, from: position)
        } else if let tones {
            tones.render(into: buffer, frames: n, from: position)
        }
        position += n
        consumed += n
        return n
    }

    /// Restarts the stream now: what happened since the last frame read is skipped.
    public func recover(from error: Int32) -> Int32 {
        let now = clock()
        position += max(0, Int(((now - startTime) * Double(sampleRate)).rounded()) - consumed)
        startTime = now
        consumed = 0
        return 0
    }

    public func triggerTime() -> Double? { startTime }
}
