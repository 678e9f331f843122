extension TapedeckConfiguration {
    /// UTF-8 without NUL (toml++ reads a C string: a NUL would end the file early).
    static func decodeText(_ bytes: [UInt8], source: String) throws(ConfigError) -> String {
        var line = 1
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var text = ""
        text.reserveCapacity(bytes.count)
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let c):
                if c == "\0" {
                    throw ConfigError(source: source, key: nil, problem: "line \(line): contains a NUL character")
                }
                if c == "\n" { line += 1 }
                text.unicodeScalars.append(c)
            case .emptyInput:
                break loop
            case .error:
                throw ConfigError(source: source, key: nil, problem: "line \(line): not valid UTF-8")
            }
        }
        return text
    }
}
