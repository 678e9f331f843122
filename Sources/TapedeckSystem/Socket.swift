import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// A socket: swift-system's `FileDescriptor` underneath (close), with the socket calls
/// swift-system lacks — listening on a Unix or TCP address, accepting, connecting,
/// datagrams, SO_* options, peer credentials — each failing with a typed error.
/// Writes never raise SIGPIPE (MSG_NOSIGNAL).
public struct Socket: Sendable, Hashable {
    public let descriptor: SystemPackage.FileDescriptor
    public var raw: Int32 { descriptor.rawValue }

    public init(raw: Int32) { descriptor = SystemPackage.FileDescriptor(rawValue: raw) }

    /// The largest backlog the system allows: Linux clamps the value given to listen(2)
    /// to net.core.somaxconn, so asking for the most gets exactly that.
    public static let backlog = Int32.max

    /// A new socket (close-on-exec).
    public static func open(domain: Int32, type: __socket_type) throws(Errno) -> Socket {
        let fd = socket(domain, Int32(type.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .current }
        return Socket(raw: fd)
    }

    /// A connected pair of Unix stream sockets (socketpair(2)).
    public static func pair() throws(Errno) -> (Socket, Socket) {
        var fds: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) == 0 else {
            throw .current
        }
        return (Socket(raw: fds[0]), Socket(raw: fds[1]))
    }

    /// A Unix stream socket connected to `address`.
    public static func connect(to address: UnixAddress) throws(Errno) -> Socket {
        let s = try open(domain: AF_UNIX, type: SOCK_STREAM)
        do throws(Errno) { try s.connect(to: address) } catch { s.close(); throw error }
        return s
    }

    /// Connects this socket to `address` (retrying EINTR); ENAMETOOLONG when the name
    /// does not fit a `sockaddr_un`.
    public func connect(to address: UnixAddress) throws(Errno) {
        while true {
            let rc = address.withSocketAddress { sa, len in Glibc.connect(raw, sa, len) }
            guard let rc else { throw Errno(ENAMETOOLONG) }
            if rc == 0 { return }
            if errno != EINTR { throw .current }
        }
    }

    /// A listening Unix stream socket at `path` (a stale socket file is replaced), with
    /// the given permission bits and, when named, group.
    public static func listen(path: String, mode: mode_t, group: String?) throws(SocketCallError) -> Socket {
        guard path.utf8.count < UnixAddress.capacity else {
            throw SocketCallError("path longer than \(UnixAddress.capacity - 1) bytes", Errno(ENAMETOOLONG))
        }
        let s: Socket
        do throws(Errno) { s = try open(domain: AF_UNIX, type: SOCK_STREAM) } catch { throw SocketCallError("socket", error) }
        // Replace a socket left by an earlier run, never another kind of file.
        if case .success(let st) = FileStatus.of(path, followLinks: false) {
            guard st.isSocket else {
                s.close()
                throw SocketCallError("exists and is not a socket", Errno(EEXIST))
            }
            unlink(path)
        }
        let rc = UnixAddress.path(path).withSocketAddress { sa, len in bind(s.raw, sa, len) } ?? -1
        guard rc == 0 else { let e = Errno.current; s.close(); throw SocketCallError("bind", e) }
        // Bound: the socket file exists now, and a start that fails from here removes it.
        func unbind(_ operation: String, _ e: Errno?) -> SocketCallError {
            s.close()
            unlink(path)
            return SocketCallError(operation, e)
        }
        guard chmod(path, mode) == 0 else { throw unbind("chmod", .current) }
        if let group {
            guard let gid = groupID(named: group) else { throw unbind("group \"\(group)\" does not exist", nil) }
            guard chown(path, uid_t.max, gid) == 0 else { throw unbind("chown to group \(group)", .current) }
        }
        guard Glibc.listen(s.raw, backlog) == 0 else { throw unbind("listen", .current) }
        return s
    }

    /// A listening TCP socket on `host` (an IPv4 or IPv6 address) and `port`
    /// (SO_REUSEADDR set: a restart binds while old connections linger).
    public static func listenTCP(host: String, port: Int) throws(SocketCallError) -> Socket {
        let v6 = host.contains(":")
        let s: Socket
        do throws(Errno) { s = try open(domain: v6 ? AF_INET6 : AF_INET, type: SOCK_STREAM) } catch {
            throw SocketCallError("socket", error)
        }
        s.setOption(SO_REUSEADDR, 1)
        func bindTo<Address>(_ address: Address) -> Int32 {
            var address = address
            return withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(s.raw, $0, socklen_t(MemoryLayout<Address>.size)) }
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
        guard rc == 0 else { let e = Errno.current; s.close(); throw SocketCallError("bind", e) }
        guard Glibc.listen(s.raw, backlog) == 0 else { let e = Errno.current; s.close(); throw SocketCallError("listen", e) }
        return s
    }

    /// The group id of a group name (getgrnam), else of a number (a numeric gid, in the
    /// group database or not, as chown(1) takes it), or nil when it is neither.
    public static func groupID(named group: String) -> gid_t? {
        if let entry = getgrnam(group) { return entry.pointee.gr_gid }
        guard group.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let gid = gid_t(group), gid != gid_t.max else { return nil }
        return gid
    }

    /// The next connection waiting on this listening socket (close-on-exec); the errno
    /// when there is none (EAGAIN), the process is out of descriptors (EMFILE), ….
    public func accept() -> Result<Socket, Errno> {
        let fd = Glibc.accept(raw, nil, nil)
        guard fd >= 0 else { return .failure(.current) }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        return .success(Socket(raw: fd))
    }

    /// Sets an integer `SOL_SOCKET` option (best effort).
    public func setOption(_ option: Int32, _ value: Int32) {
        var value = value
        _ = setsockopt(raw, SOL_SOCKET, option, &value, socklen_t(MemoryLayout<Int32>.size))
    }

    /// A write that cannot go on for `seconds` (the peer reads nothing) fails with EAGAIN
    /// (SO_SNDTIMEO).
    public func setSendTimeout(seconds: Int) {
        var limit = timeval(tv_sec: seconds, tv_usec: 0)
        _ = setsockopt(raw, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    }

    /// The peer of a Unix socket connection (SO_PEERCRED), or nil when it cannot be asked.
    public func peerCredentials() -> (pid: Int32, uid: UInt32, gid: UInt32)? {
        var cred = (pid: Int32(0), uid: UInt32(0), gid: UInt32(0))   // struct ucred
        var len = socklen_t(MemoryLayout.size(ofValue: cred))
        guard getsockopt(raw, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 else { return nil }
        return cred
    }

    /// Writes all of `bytes` (retrying short writes and EINTR); the errno when the peer is
    /// gone (EPIPE) or reads nothing for the send timeout (EAGAIN).
    public func send(_ bytes: UnsafeRawBufferPointer) throws(Errno) {
        guard let base = bytes.baseAddress else { return }
        var done = 0
        while done < bytes.count {
            let n = Glibc.send(raw, base + done, bytes.count - done, Int32(MSG_NOSIGNAL))
            if n < 0 { if errno == EINTR { continue }; throw .current }
            done += n
        }
    }

    /// Writes all of `text`.
    public func send(_ text: String) throws(Errno) {
        var text = text
        let result: Result<Void, Errno> = text.withUTF8 { buf in
            do throws(Errno) { try send(UnsafeRawBufferPointer(buf)); return .success(()) } catch { return .failure(error) }
        }
        try result.get()
    }

    /// Writes what fits of `text` at once, never waiting (a refusal on a fresh connection).
    public func sendNow(_ text: String) {
        var text = text
        text.withUTF8 { buf in _ = Glibc.send(raw, buf.baseAddress!, buf.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
    }

    /// One datagram to `address` (an unconnected `SOCK_DGRAM` socket).
    public func send(datagram bytes: [UInt8], to address: UnixAddress) throws(Errno) {
        let sent: Int? = address.withSocketAddress { sa, len in
            bytes.withUnsafeBytes { sendto(raw, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL), sa, len) }
        }
        guard let sent else { throw Errno(ENAMETOOLONG) }
        if sent < 0 { throw .current }
    }

    /// Reads what has arrived, up to `buffer.count` bytes (retrying EINTR); 0 at the end
    /// of input.
    public func receive(into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        while true {
            let n = recv(raw, buffer.baseAddress, buffer.count, 0)
            if n >= 0 { return n }
            if errno != EINTR { throw .current }
        }
    }

    /// Whether the peer has hung up, without waiting; input that is waiting is read and
    /// dropped (a subscriber sends nothing that matters).
    public func peerHasClosed() -> Bool {
        var p = pollfd(fd: raw, events: Int16(POLLIN), revents: 0)
        guard poll(&p, 1, 0) > 0 else { return false }
        if p.revents & Int16(POLLHUP | POLLERR) != 0 { return true }
        var byte: UInt8 = 0
        let n = recv(raw, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
        if n == 0 { return true }
        if n > 0 { var sink = [UInt8](repeating: 0, count: 4096); _ = recv(raw, &sink, sink.count, Int32(MSG_DONTWAIT)) }
        return false
    }

    /// Waits at most `milliseconds` for input (or end of input, or an error).
    public func waitReadable(milliseconds: Int) -> Poll.Readiness {
        Poll.waitReadable(raw, milliseconds: milliseconds)
    }

    /// Closes the socket (an error from close(2) on a socket leaves nothing to do).
    public func close() { try? descriptor.close() }
}
