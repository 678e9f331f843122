/// Typed values of one key, with the error line naming the key in full.
extension ConfigReader {
    func string(_ t: [String: Node], _ key: String, _ full: String) throws(ConfigError) -> String? {
        guard let node = t[key] else { return nil }
        guard case .string(let s) = node else { throw fail(full, "must be a string, not \(node.typeName)") }
        return s
    }

    func integer(_ t: [String: Node], _ key: String, _ full: String) throws(ConfigError) -> Int? {
        guard let node = t[key] else { return nil }
        guard case .int(let n) = node else { throw fail(full, "must be an integer, not \(node.typeName)") }
        return n
    }

    func required<T>(_ value: T?, _ full: String) throws(ConfigError) -> T {
        guard let value else { throw fail(full, "missing") }
        return value
    }

    func check(_ problem: String?, _ full: String) throws(ConfigError) {
        if let problem { throw fail(full, problem) }
    }

    func inRange(_ n: Int, _ range: ClosedRange<Int>, _ full: String) throws(ConfigError) {
        if !range.contains(n) { throw fail(full, "\(n) is outside \(ConfigRules.range(range))") }
    }

    /// An optional integer key that must lie in `range`.
    func integer(_ t: [String: Node], _ key: String, _ full: String, in range: ClosedRange<Int>) throws(ConfigError) -> Int? {
        guard let n = try integer(t, key, full) else { return nil }
        try inRange(n, range, full)
        return n
    }

    /// A permission mode: a string of octal digits (`example` is its default, shown in
    /// errors), then `rule`, given the value and its text.
    func mode(_ t: [String: Node], _ key: String, _ full: String, example: String,
              rule: (UInt16, String) -> String? = { _, _ in nil }) throws(ConfigError) -> UInt16? {
        guard let node = t[key] else { return nil }
        guard case .string(let s) = node else {
            throw fail(full, "must be a string of octal digits like \"\(example)\", not \(node.typeName)")
        }
        let (value, problem) = ConfigRules.mode(s, example: example)
        try check(problem, full)
        try check(rule(value!, s), full)
        return value!
    }
}
