#if canImport(Glibc)
import Glibc
#endif

/// The Goertzel algorithm: the energy of one frequency in a block of samples, the cost of
/// one multiply-add per sample. Used by `DTMFDetector`; no state, no allocation.
public enum Goertzel {
    /// The recursion's coefficient 2·cos(2πf/fs) for `frequency` at `sampleRate`. The
    /// frequency need not fall on a DFT bin.
    public static func coefficient(frequency: Double, sampleRate: Double) -> Double {
        2 * cos(2 * Double.pi * frequency / sampleRate)
    }

    /// |X(f)|² of `x[0..<count]`: for a sine of amplitude A at f over the whole block this
    /// is (A·count/2)²; for a sine covering only m of the samples, about (A·m/2)².
    @inlinable
    public static func energy(_ x: UnsafePointer<Double>, count: Int, coefficient c: Double) -> Double {
        var s1 = 0.0, s2 = 0.0
        for i in 0..<count {
            let s0 = x[i] + c * s1 - s2
            s2 = s1
            s1 = s0
        }
        return s1 * s1 + s2 * s2 - c * s1 * s2
    }
}
