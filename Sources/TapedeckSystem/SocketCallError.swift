/// A socket call that failed: the call ("bind", "listen", "chown to group audio") or, with
/// no `errno`, what was wrong in words ("exists and is not a socket").
public struct SocketCallError: Error, Equatable, Sendable {
    public let operation: String
    public let errno: Errno?
    public init(_ operation: String, _ errno: Errno?) {
        self.operation = operation
        self.errno = errno
    }
}
