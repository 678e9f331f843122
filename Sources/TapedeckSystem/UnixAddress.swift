#if canImport(Glibc)
import Glibc
#endif

/// An `AF_UNIX` socket address: a socket file, or a name in the abstract namespace.
public enum UnixAddress: Sendable, Hashable {
    case path(String)
    /// The name without the leading NUL.
    case abstract(String)

    /// The longest name a `sockaddr_un` holds (107 bytes on Linux, a path's NUL apart).
    public static let capacity = MemoryLayout.size(ofValue: sockaddr_un().sun_path)

    /// Calls `body` with the `sockaddr_un` for this address and its length, or returns nil
    /// when the name does not fit.
    public func withSocketAddress<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R? {
        var sun = sockaddr_un()
        sun.sun_family = sa_family_t(AF_UNIX)
        let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \.sun_path)!
        let bytes: [UInt8]
        switch self {
        case .path(let p): bytes = Array(p.utf8) + [0]          // NUL-terminated
        case .abstract(let name): bytes = [0] + Array(name.utf8) // leading NUL, length counts exactly
        }
        guard bytes.count <= Self.capacity else { return nil }
        withUnsafeMutableBytes(of: &sun.sun_path) { $0.copyBytes(from: bytes) }
        let length = socklen_t(pathOffset + bytes.count)
        return withUnsafePointer(to: &sun) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, length) }
        }
    }
}
