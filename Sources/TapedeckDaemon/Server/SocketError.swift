import TapedeckSystem
#if canImport(Glibc)
import Glibc
#endif

/// A listening socket that could not be set up: the control socket's path or the metrics
/// listener's address, and the call that failed.
struct SocketError: Error, CustomStringConvertible {
    let operation: String
    let path: String
    let errno: Errno?
    var kind = "control socket"

    init(_ failure: SocketCallError, path: String, kind: String = "control socket") {
        operation = failure.operation
        self.path = path
        errno = failure.errno
        self.kind = kind
    }

    /// No `errno`: the operation says all (no system error behind it).
    var description: String {
        guard let errno else { return "\(kind) \(path): \(operation)" }
        return "\(kind) \(path): \(operation): \(errno)"
    }
}

extension Socket {
    /// The control socket at `path`.
    static func listenControl(path: String, mode: mode_t, group: String?) throws(SocketError) -> Socket {
        do throws(SocketCallError) { return try listen(path: path, mode: mode, group: group) } catch {
            throw SocketError(error, path: path)
        }
    }

    /// The metrics listener on `host` and `port`.
    static func listenMetrics(host: String, port: Int) throws(SocketError) -> Socket {
        let name = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        do throws(SocketCallError) { return try listenTCP(host: host, port: port) } catch {
            throw SocketError(error, path: name, kind: "metrics listener")
        }
    }

    /// The peer of a Unix socket connection, for log lines: "pid 1234 uid 1000".
    var peerDescription: String {
        guard let cred = peerCredentials() else { return "unknown" }
        return "pid \(cred.pid) uid \(cred.uid)"
    }

    /// Whether a failed send means the peer reads nothing (the send timeout ran out).
    static func isNotReading(_ error: Errno) -> Bool {
        error == .resourceTemporarilyUnavailable   // EAGAIN, which is EWOULDBLOCK
    }
}
