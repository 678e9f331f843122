import TapedeckSystem
#if canImport(Glibc)
import Glibc
#endif

/// A built-in capture device for demos and development: paced by the monotonic clock
/// like a sound card, with a synthetic conversation on every channel pair (the agent
/// and the customer take turns, each with a voice-band tone of its own). Selected by
/// the device name `virtual`.
public final class VirtualCaptureSource: CaptureSource, @unchecked Sendable {
    public static let deviceName = "virtual"
    public let channels: Int
    public let sampleRate: Int
    public let periodFrames: Int
    private var position = 0
    private var startTime = 0.0
    private var nextDue = 0.0

    public init(format: CaptureFormat) {
        channels = format.channels
        sampleRate = format.sampleRate
        periodFrames = format.periodFrames
    }

    public func start() -> Int32 {
        startTime = monotonicSeconds()
        nextDue = startTime + Double(periodFrames) / Double(sampleRate)
        return 0
    }

    public func wait(timeoutMilliseconds: Int32) -> Int32 {
        let now = monotonicSeconds()
        if now >= nextDue { return 1 }
        let sleep = min(nextDue - now, Double(timeoutMilliseconds) / 1000)
        var ts = timespec(tv_sec: Int(sleep), tv_nsec: Int((sleep - Double(Int(sleep))) * 1e9))
        nanosleep(&ts, nil)
        return monotonicSeconds() >= nextDue ? 1 : 0
    }

    public func read(into buffer: UnsafeMutablePointer<Int16>, frames: Int) -> Int {
        let n = min(frames, periodFrames)
        let rate = Double(sampleRate)
        for f in 0..<n {
            let t = Double(position + f) / rate
            // A 2.4 s turn: agent talks 0.1–1.1 s, customer 1.3–2.3 s.
            let turn = t.truncatingRemainder(dividingBy: 2.4)
            for c in 0..<channels {
                let station = Double(c / 2)
                let isAgent = c % 2 == 0
                let talking = isAgent ? (turn >= 0.1 && turn < 1.1) : (turn >= 1.3 && turn < 2.3)
                var s = 0.0
                if talking {
                    let f0 = (isAgent ? 440.0 : 1000.0) + 20 * station
                    let syllable = 0.6 + 0.4 * sin(2 * Double.pi * 4 * t)
                    s = 9000 * syllable * sin(2 * Double.pi * f0 * t)
                }
                buffer[f * channels + c] = Int16(s)
            }
        }
        position += n
        nextDue += Double(n) / rate
        return n
    }

    public func recover(from error: Int32) -> Int32 { 0 }
    public func triggerTime() -> Double? { startTime }
}
