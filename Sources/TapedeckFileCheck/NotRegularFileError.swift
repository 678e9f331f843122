#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A path that names a FIFO, socket or device rather than a regular file:
/// never opened for reading (a FIFO would block until a writer came).
public struct NotRegularFileError: Error, Sendable, CustomStringConvertible {
    public let path: String
    /// "a FIFO", "a socket", "a character device", "a block device".
    public let kind: String

    public var description: String { "\(path) is \(kind), not a regular file: not read" }

    /// What a `st_mode` names when it is neither a regular file nor a
    /// directory; nil for those two.
    public static func kind(_ mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG, S_IFDIR: return nil
        case S_IFIFO: return "a FIFO"
        case S_IFSOCK: return "a socket"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        default: return "of an unknown file type"
        }
    }
}
