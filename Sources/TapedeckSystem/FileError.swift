/// A file syscall that failed, with the operation and the path it was for: "cannot fsync
/// /spool/a.wav.part: No space left on device".
public struct FileError: Error, Equatable, Sendable, CustomStringConvertible {
    public let operation: String
    public let path: String
    public let errno: Errno
    public init(operation: String, path: String, errno: Errno) {
        self.operation = operation
        self.path = path
        self.errno = errno
    }
    public var description: String { "cannot \(operation) \(path): \(errno)" }
}
