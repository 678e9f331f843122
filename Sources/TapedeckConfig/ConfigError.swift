/// A configuration that cannot be used: one line naming the file, the key and
/// what is wrong, e.g.
/// `/etc/tapedeck/tapedeck.toml: device[1].rate: 96000 is outside 8000–48000`.
///
/// `description` is that line (print it as it is, then exit non-zero).
/// Errors that are not about one key (unreadable file, TOML syntax, unknown
/// key) have `key == nil`; their `problem` says where.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file name (or the `source` given to `parse(text:source:)`).
    public let source: String
    /// The key, as written in the file: `server_ip`, `control.mode`,
    /// `device[2].rate` (tables of `[[device]]` / `[[station]]` counted from 1).
    public let key: String?
    /// What is wrong, without the file or key.
    public let problem: String

    public init(source: String, key: String?, problem: String) {
        self.source = source
        self.key = key
        self.problem = problem
    }

    public var description: String {
        if let key { return "\(source): \(key): \(problem)" }
        return "\(source): \(problem)"
    }
}
