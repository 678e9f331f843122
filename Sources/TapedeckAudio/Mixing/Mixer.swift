/// Turns agent/customer frame pairs (as `HistoryRing` hands them out) into file samples.
public enum Mixer {
    /// Mixes `frames` pairs at `pairs` (agent, customer, agent, …) into `out`, which holds
    /// `frames × mode.outputChannels` samples. `out` may be `pairs` itself (in place).
    @inlinable
    public static func mix(_ mode: MixMode, pairs: UnsafePointer<Int16>, frames: Int,
                           into out: UnsafeMutablePointer<Int16>) {
        switch mode {
        case .mono(let average):
            if average {
                for i in 0..<frames {
                    out[i] = Int16(truncatingIfNeeded: (Int32(pairs[2 * i]) + Int32(pairs[2 * i + 1])) >> 1)
                }
            } else {
                for i in 0..<frames {
                    out[i] = saturate(Int32(pairs[2 * i]) + Int32(pairs[2 * i + 1]))
                }
            }
        case .stereo(let swapped):
            if swapped {
                for i in 0..<frames {
                    let a = pairs[2 * i]
                    out[2 * i] = pairs[2 * i + 1]
                    out[2 * i + 1] = a
                }
            } else if UnsafePointer(out) != pairs {
                out.update(from: pairs, count: 2 * frames)
            }
        case .agent:
            for i in 0..<frames { out[i] = pairs[2 * i] }
        case .customer:
            for i in 0..<frames { out[i] = pairs[2 * i + 1] }
        }
    }

    /// Clamps a sum of two samples to Int16's range.
    @inlinable
    public static func saturate(_ x: Int32) -> Int16 {
        Int16(truncatingIfNeeded: min(max(x, Int32(Int16.min)), Int32(Int16.max)))
    }
}
