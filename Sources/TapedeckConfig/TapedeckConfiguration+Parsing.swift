import TOMLKit

extension TapedeckConfiguration {
    /// Reads and validates the file at `path`. Errors name `path`.
    public static func load(path: String) throws(ConfigError) -> TapedeckConfiguration {
        let bytes = try readFile(path)
        return try parse(bytes: bytes, source: path)
    }

    /// Validates a configuration's text; `source` names it in errors (a file name).
    public static func parse(text: String, source: String) throws(ConfigError) -> TapedeckConfiguration {
        try parse(bytes: Array(text.utf8), source: source)
    }

    static func parse(bytes: [UInt8], source: String) throws(ConfigError) -> TapedeckConfiguration {
        let text = try decodeText(bytes, source: source)
        if let trap = TOMLPreflight.firstTrap(bytes) {
            // toml++ would abort on it: report an error before its statement, else this one.
            _ = try table(String(decoding: bytes[..<trap.statementStart], as: UTF8.self), source: source)
            throw ConfigError(source: source, key: nil, problem: trap.problem)
        }
        return try ConfigReader(source: source).configuration(Node.table(table(text, source: source)))
    }

    static func table(_ text: String, source: String) throws(ConfigError) -> TOMLTable {
        do {
            return try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigError(source: source, key: nil, problem: syntaxProblem(error))
        } catch {
            throw ConfigError(source: source, key: nil, problem: "TOML syntax error: \(error)")
        }
    }

    /// `line 3, column 7: TOML syntax error while parsing key-value pair: expected value, saw '\n'`.
    static func syntaxProblem(_ error: TOMLParseError) -> String {
        var what = error.description
        let prefix = "Error while parsing"
        if what.hasPrefix(prefix) {
            what = "TOML syntax error while parsing" + what.dropFirst(prefix.count)
        } else {
            what = "TOML syntax error: " + what
        }
        what = String(what.map { $0 == "\n" || $0 == "\r" || $0 == "\r\n" ? " " : $0 })
        let at = error.source.begin
        return "line \(at.line), column \(at.column): \(what)"
    }
}
