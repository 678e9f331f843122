#if canImport(Glibc)
import Glibc
#endif

/// A POSIX error number with its meaning, as every syscall wrapper in this target throws it.
public struct Errno: Error, Equatable, Sendable, CustomStringConvertible {
    public let rawValue: Int32
    public init(_ rawValue: Int32) { self.rawValue = rawValue }
    /// The calling thread's current `errno`.
    public static var current: Errno { Errno(errno) }
    public var description: String { String(cString: strerror(rawValue)) }

    public static let noSpace = Errno(ENOSPC)
    public static let noEntry = Errno(ENOENT)
}
