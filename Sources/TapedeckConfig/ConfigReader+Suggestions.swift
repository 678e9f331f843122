/// Typo suggestions for unknown keys (`did you mean …?`).
extension ConfigReader {
    /// The known key `key` most likely meant: the only one it begins (`period` for
    /// `period_ms`), else the only nearest within edit distance 2 (case-insensitive).
    static func closest(to key: String, in known: [String]) -> String? {
        let lower = key.lowercased()
        let extended = known.filter { $0.hasPrefix(lower + "_") }
        if extended.count == 1 { return extended[0] }
        let k = Array(lower.unicodeScalars)
        var best: (String, Int)?
        var tie = false
        for candidate in known {
            let d = distance(k, Array(candidate.unicodeScalars))
            guard d <= 2 else { continue }
            if best == nil || d < best!.1 { best = (candidate, d); tie = false } else if d == best!.1 { tie = true }
        }
        return tie ? nil : best?.0
    }

    static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
