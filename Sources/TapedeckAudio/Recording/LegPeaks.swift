/// Peak absolute sample of each leg since the last `take()`: what a level meter shows.
public struct LegPeaks: Sendable, Equatable {
    public var agent: Int = 0
    public var customer: Int = 0
    public init(agent: Int = 0, customer: Int = 0) { self.agent = agent; self.customer = customer }

    mutating func observe(pairs: UnsafePointer<Int16>, frames: Int) {
        var a = agent, c = customer
        for i in 0..<frames {
            a = max(a, abs(Int(pairs[2 * i])))
            c = max(c, abs(Int(pairs[2 * i + 1])))
        }
        agent = a
        customer = c
    }

    /// A peak in dBFS (−∞ for silence shown as nil).
    public static func dBFS(_ peak: Int) -> Double? {
        peak == 0 ? nil : 20 * log10(Double(peak) / 32768)
    }
}

#if canImport(Glibc)
import Glibc
#endif
