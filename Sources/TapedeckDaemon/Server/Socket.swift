import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The socket calls the control server and the metrics listener make, each failing with a typed error naming
/// the call and the path.
struct SocketError: Error, CustomStringConvertible {
    let operation: String
    let path: String
    let errno: Int32
    var kind = "control socket"
    /// `errno` 0: the operation says all (no system error behind it).
    var description: String {
        errno == 0 ? "\(kind) \(path): \(operation)" : "\(kind) \(path): \(operation): \(String(cString: strerror(errno)))"
    }
}

enum Socket {
    /// The largest backlog the system allows: Linux clamps the value given to listen(2)
    /// to net.core.somaxconn, so asking for the most gets exactly that.
    static let backlog = Int32.max

    /// A listening Unix stream socket at `path` (a stale socket file is replaced), with
    /// the given permission bits and, when named, group.
    static func listen(path: String, mode: mode_t, group: String?) throws(SocketError) -> Int32 {
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: addr.sun_path)
        guard path.utf8.count < capacity else {
            throw SocketError(operation: "path longer than \(capacity - 1) bytes", path: path, errno: ENAMETOOLONG)
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SocketError(operation: "socket", path: path, errno: errno) }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            path.utf8CString.withUnsafeBytes { src in raw.copyMemory(from: UnsafeRawBufferPointer(rebasing: src.prefix(raw.count))) }
        }
        // Replace a socket left by an earlier run, never another kind of file.
        var st = stat()
        if lstat(path, &st) == 0 {
            guard (st.st_mode & S_IFMT) == S_IFSOCK else {
                close(fd)
                throw SocketError(operation: "exists and is not a socket", path: path, errno: EEXIST)
            }
            unlink(path)
        }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard rc == 0 else { let e = errno; close(fd); throw SocketError(operation: "bind", path: path, errno: e) }
        // Bound: the socket file exists now, and a start that fails from here removes it.
        func unbind(_ operation: String, _ e: Int32) -> SocketError {
            close(fd)
            unlink(path)
            return SocketError(operation: operation, path: path, errno: e)
        }
        guard chmod(path, mode) == 0 else { throw unbind("chmod", errno) }
        if let group {
            guard let gr = getgrnam(group) else { throw unbind("group \"\(group)\" does not exist", 0) }
            guard chown(path, uid_t.max, gr.pointee.gr_gid) == 0 else { throw unbind("chown to group \(group)", errno) }
        }
        guard Glibc.listen(fd, backlog) == 0 else { throw unbind("listen", errno) }
        return fd
    }

    /// A listening TCP socket on `host` (an IPv4 or IPv6 address) and `port`.
    static func listenTCP(host: String, port: Int) throws(SocketError) -> Int32 {
        let name = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        let v6 = host.contains(":")
        let fd = socket(v6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SocketError(operation: "socket", path: name, errno: errno, kind: "metrics listener") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        func bindTo<Address>(_ address: Address) -> Int32 {
            var address = address
            return withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<Address>.size)) }
            }
        }
        let rc: Int32
        if v6 {
            var addr = sockaddr_in6()
            addr.sin6_family = sa_family_t(AF_INET6)
            addr.sin6_port = in_port_t(UInt16(port).bigEndian)
            inet_pton(AF_INET6, host, &addr.sin6_addr)
            rc = bindTo(addr)
        } else {
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = in_port_t(UInt16(port).bigEndian)
            inet_pton(AF_INET, host, &addr.sin_addr)
            rc = bindTo(addr)
        }
        guard rc == 0 else { let e = errno; close(fd); throw SocketError(operation: "bind", path: name, errno: e, kind: "metrics listener") }
        guard Glibc.listen(fd, backlog) == 0 else {
            let e = errno; close(fd); throw SocketError(operation: "listen", path: name, errno: e, kind: "metrics listener")
        }
        return fd
    }

    /// Writes what fits of `text` at once, never waiting (a refusal on a fresh connection).
    static func sendNow(_ fd: Int32, _ text: String) {
        var text = text
        text.withUTF8 { buf in _ = Glibc.send(fd, buf.baseAddress!, buf.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
    }

    /// A write that cannot go on for `seconds` (the peer reads nothing) fails with EAGAIN.
    static func setSendTimeout(_ fd: Int32, seconds: Int) {
        var limit = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    }

    enum Readiness { case readable, timedOut }

    /// Waits at most `milliseconds` for `fd` to have input (or end of input, or an error).
    static func waitReadable(_ fd: Int32, milliseconds: Int) -> Readiness {
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(max(0, milliseconds)) * 1_000_000
        while true {
            let now = DispatchTime.now().uptimeNanoseconds
            guard now < deadline else { return .timedOut }
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let left = Int32(min(UInt64(Int32.max), (deadline - now + 999_999) / 1_000_000))
            let rc = poll(&p, 1, left)
            if rc > 0 { return .readable }
            if rc < 0 && errno != EINTR { return .readable }   // let the read report it
        }
    }

    /// The peer of a Unix socket connection, for log lines: "pid 1234 uid 1000".
    static func peer(_ fd: Int32) -> String {
        var cred = (pid: Int32(0), uid: UInt32(0), gid: UInt32(0))
        var len = socklen_t(MemoryLayout.size(ofValue: cred))
        guard getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 else { return "unknown" }
        return "pid \(cred.pid) uid \(cred.uid)"
    }

    /// Writes all of `text` (no SIGPIPE); false when the peer is gone.
    @discardableResult
    static func send(_ fd: Int32, _ text: String) -> Bool {
        var text = text
        return text.withUTF8 { buf in
            var done = 0
            while done < buf.count {
                let n = Glibc.send(fd, buf.baseAddress! + done, buf.count - done, Int32(MSG_NOSIGNAL))
                if n < 0 { if errno == EINTR { continue }; return false }
                done += n
            }
            return true
        }
    }
}
