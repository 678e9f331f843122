/// JSON numbers for the reports (strings are the vocabulary's ``JSONValue/quoted(_:)``).
public enum JSON {
    static func int(_ v: Int?) -> String { v.map { String($0) } ?? "null" }

    /// A non-negative or negative finite number with exactly `digits`
    /// decimals; falls back to Swift's own rendering for huge values.
    static func fixed(_ x: Double, digits: Int) -> String {
        guard x.isFinite else { return "null" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        guard abs(x) * scale < 9e15 else { return "\(x)" }
        let units = Int64((abs(x) * scale).rounded())
        let p = Int64(scale)
        let frac = String(units % p)
        let sign = x < 0 && units != 0 ? "-" : ""
        if digits == 0 { return sign + String(units) }
        return sign + String(units / p) + "." + String(repeating: "0", count: digits - frac.count) + frac
    }
}
