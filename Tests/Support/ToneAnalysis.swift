import Foundation

/// Signal measurements for checking audio content.
public enum ToneAnalysis {
    /// Power of `frequency` in `samples` (Goertzel), normalised by length.
    public static func power(_ samples: ArraySlice<Int16>, frequency: Double, sampleRate: Int) -> Double {
        let k = 2 * cos(2 * Double.pi * frequency / Double(sampleRate))
        var s1 = 0.0, s2 = 0.0
        for x in samples {
            let s0 = Double(x) / 32768 + k * s1 - s2
            s2 = s1; s1 = s0
        }
        let p = s1 * s1 + s2 * s2 - k * s1 * s2
        return p / Double(max(1, samples.count * samples.count))
    }

    /// The strongest of `candidates` in `samples`, and its share of their total power.
    public static func dominant(_ samples: ArraySlice<Int16>, among candidates: [Double], sampleRate: Int) -> (frequency: Double, share: Double) {
        let powers = candidates.map { power(samples, frequency: $0, sampleRate: sampleRate) }
        let total = powers.reduce(0, +)
        let i = powers.indices.max { powers[$0] < powers[$1] }!
        return (candidates[i], total > 0 ? powers[i] / total : 0)
    }

    /// One window of a tone check: where it starts, and — when it has signal (RMS above
    /// the threshold) — the strongest candidate frequency and its share of their power.
    public struct Window: Sendable {
        public var start: Int
        public var dominant: (frequency: Double, share: Double)?
    }

    /// The `window`-sample windows of `samples` after the first one (a capture's first
    /// moments may be silent), each analysed as ``Window`` says.
    public static func windows(_ samples: [Int16], window: Int, among candidates: [Double], sampleRate: Int,
                               threshold: Double = 1000) -> [Window] {
        var out: [Window] = []
        var i = window
        while i + window <= samples.count {
            let slice = samples[i..<(i + window)]
            out.append(Window(start: i, dominant: rms(slice) > threshold ? dominant(slice, among: candidates, sampleRate: sampleRate) : nil))
            i += window
        }
        return out
    }

    /// Root mean square, in Int16 units.
    public static func rms(_ samples: ArraySlice<Int16>) -> Double {
        guard !samples.isEmpty else { return 0 }
        return sqrt(samples.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(samples.count))
    }
}
