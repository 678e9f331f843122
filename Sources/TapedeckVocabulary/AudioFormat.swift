/// A file format Tapedeck writes: the `format` of a request, of the configuration's
/// `[recording]` and of the log, and what the writers produce.
public enum AudioFormat: String, Sendable, Hashable, CaseIterable {
    case wav
    case mp3

    /// `.wav`, `.mp3`.
    public var fileExtension: String { "." + rawValue }

    /// The format a file name's extension implies, if any.
    public init?(pathExtension path: String) {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return nil }
        self.init(rawValue: path[path.index(after: dot)...].lowercased())
    }
}
