#if canImport(Glibc)
import Glibc
#endif

/// The virtual device's tone conversation, precomputed so that playing it costs a table
/// look-up and a multiply per sample (no `sin()` on the capture thread).
///
/// On every channel pair the agent (even channel) and the customer (odd channel) take
/// turns in a 2.4 s cycle: the agent talks from 0.1 to 1.1 s, the customer from 1.3 to
/// 2.3 s, each with a voice-band tone of its own (agent 440 Hz + 20 Hz × station, customer
/// 1000 Hz + 20 Hz × station, station = channel / 2) at 9000 × (0.6 + 0.4 sin(2π·4 Hz·t)),
/// a 4 Hz syllable rhythm. The tones are whole numbers of hertz, so one second of either
/// table (a carrier's period divides the rate) loops exactly.
final class VirtualTones {
    let channels: Int
    let sampleRate: Int
    /// Each channel's carrier, one period of it, back to back; `carrierStart[c]` where
    /// channel c's begins, `carrierLength[c]` how long it is.
    private let carrier: [Float]
    private let carrierStart: [Int]
    private let carrierLength: [Int]
    /// The syllable envelope over one period of it (9000 × (0.6 + 0.4 sin)).
    private let syllable: [Float]
    /// Per frame of a render, the agent's and the customer's level (allocated once).
    private let levels: UnsafeMutablePointer<Float>
    private let maxFrames: Int

    init(channels: Int, sampleRate: Int, maxFrames: Int) {
        self.channels = channels
        self.maxFrames = maxFrames
        levels = .allocate(capacity: 2 * maxFrames)
        levels.initialize(repeating: 0, count: 2 * maxFrames)
        self.sampleRate = sampleRate
        var carrier: [Float] = [], starts: [Int] = [], lengths: [Int] = []
        for c in 0..<channels {
            let f0 = (c % 2 == 0 ? 440 : 1000) + 20 * (c / 2)
            let length = sampleRate / Self.gcd(sampleRate, f0)
            starts.append(carrier.count)
            lengths.append(length)
            for i in 0..<length {
                carrier.append(Float(sin(2 * Double.pi * Double(f0) * Double(i) / Double(sampleRate))))
            }
        }
        self.carrier = carrier
        self.carrierStart = starts
        self.carrierLength = lengths
        let sylLength = sampleRate / Self.gcd(sampleRate, 4)
        syllable = (0..<sylLength).map { i in
            Float(9000 * (0.6 + 0.4 * sin(2 * Double.pi * 4 * Double(i) / Double(sampleRate))))
        }
    }

    deinit { levels.deallocate() }

    /// Writes `frames` (at most `maxFrames`) interleaved frames of the conversation from
    /// frame `position` on. No allocation: index arithmetic and table look-ups only.
    func render(into buffer: UnsafeMutablePointer<Int16>, frames: Int, from position: Int) {
        let frames = min(frames, maxFrames)
        let rate = sampleRate
        // Where a frame falls in the 2.4 s turn, as 10 × frame mod 24 × rate (exact for
        // any rate): the agent talks at [1, 11) × rate, the customer at [13, 23) × rate.
        let cycle = 24 * rate
        var turn = (10 * position) % cycle
        syllable.withUnsafeBufferPointer { syl in
            var s = position % syl.count
            for f in 0..<frames {
                let env = syl[s]
                levels[2 * f] = turn >= rate && turn < 11 * rate ? env : 0
                levels[2 * f + 1] = turn >= 13 * rate && turn < 23 * rate ? env : 0
                turn += 10
                if turn >= cycle { turn -= cycle }
                s += 1
                if s == syl.count { s = 0 }
            }
        }
        carrier.withUnsafeBufferPointer { car in
            for c in 0..<channels {
                let base = carrierStart[c], length = carrierLength[c]
                let role = c & 1
                var i = position % length
                for f in 0..<frames {
                    buffer[f * channels + c] = Int16(levels[2 * f + role] * car[base + i])
                    i += 1
                    if i == length { i = 0 }
                }
            }
        }
    }

    private static func gcd(_ a: Int, _ b: Int) -> Int {
        var (a, b) = (a, b)
        while b != 0 { (a, b) = (b, a % b) }
        return a
    }
}
