import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// A POSIX error number: swift-system's `Errno`, whose description is strerror(3)'s text
/// ("No space left on device"). A module that imports TapedeckSystem (and not
/// SystemPackage) sees this one name only; every wrapper here throws it.
public typealias Errno = SystemPackage.Errno

extension SystemPackage.Errno {
    public init(_ rawValue: Int32) { self.init(rawValue: rawValue) }
    /// The calling thread's current `errno`.
    public static var current: Errno { Errno(rawValue: errno) }
    public static var noEntry: Errno { .noSuchFileOrDirectory }
}

/// Runs `call` again while it fails with EINTR; its result, or the `errno` it failed with.
@inline(__always)
func retryingInterrupts<R: BinaryInteger>(_ call: () -> R) -> Result<R, Errno> {
    while true {
        let r = call()
        if r >= 0 { return .success(r) }
        if errno != EINTR { return .failure(.current) }
    }
}
