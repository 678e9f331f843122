#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A connection to tapedeckd's control socket: plain POSIX calls, one request per line,
/// replies read line by line.
final class ControlConnection {
    let path: String
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var atEnd = false

    /// Connects to the Unix stream socket at `path`; failure is exit status 2 with one line
    /// naming the path and the reason.
    init(path: String) throws {
        self.path = path
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        let bytes = Array(path.utf8)
        guard !bytes.isEmpty, bytes.count < capacity else {
            throw CommandFailure(
                message: "cannot connect to \(path): the path must be 1 to \(capacity - 1) bytes long",
                exitCode: ClientExit.connection)
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        #if canImport(Glibc)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
        let fd = socket(AF_UNIX, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else {
            throw CommandFailure(message: "cannot create a socket: \(Self.describe(errno))",
                                 exitCode: ClientExit.connection)
        }
        var rc: Int32
        repeat {
            rc = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
        } while rc < 0 && errno == EINTR
        if rc < 0 {
            let code = errno
            close(fd)
            throw CommandFailure(message: "cannot connect to \(path): \(Self.describe(code))\(Self.hint(code))",
                                 exitCode: ClientExit.connection)
        }
        self.fd = fd
    }

    deinit { close(fd) }

    /// Sends `line` followed by `\n`.
    func send(line: String) throws {
        let bytes = Array(line.utf8) + [0x0A]
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { raw in
                #if canImport(Glibc)
                Glibc.send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                #else
                Darwin.send(fd, raw.baseAddress! + offset, raw.count - offset, 0)
                #endif
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw lost(errno)
            }
            offset += n
        }
    }

    /// The next line without its `\n` (or `\r\n`); nil when the daemon has closed the
    /// connection (a last line without newline is returned first), or when `stop()` becomes
    /// true while waiting.
    func readLine(stop: () -> Bool = { false }) throws -> String? {
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                var line = buffer[..<newline]
                if line.last == 0x0D { line = line.dropLast() }
                let text = String(decoding: line, as: UTF8.self)
                buffer.removeSubrange(...newline)
                return text
            }
            if atEnd {
                guard !buffer.isEmpty else { return nil }
                let text = String(decoding: buffer, as: UTF8.self)
                buffer.removeAll()
                return text
            }
            if stop() { return nil }
            // Wait in short slices so that a Ctrl-C (a flag set by the handler) is seen soon.
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, 250)
            if ready < 0 && errno != EINTR { throw lost(errno) }
            if ready <= 0 { continue }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw lost(errno)
            }
            if n == 0 { atEnd = true; continue }
            buffer.append(contentsOf: chunk[..<n])
        }
    }

    /// Reads the reply to one request; the daemon closing first is a connection failure.
    func readReply() throws -> String {
        guard let line = try readLine() else {
            throw CommandFailure(message: "\(path): the daemon closed the connection without a reply",
                                 exitCode: ClientExit.connection)
        }
        return line
    }

    private func lost(_ code: Int32) -> CommandFailure {
        CommandFailure(message: "connection to \(path) lost: \(Self.describe(code))", exitCode: ClientExit.connection)
    }

    static func describe(_ code: Int32) -> String { String(cString: strerror(code)) }

    static func hint(_ code: Int32) -> String {
        switch code {
        case ENOENT, ECONNREFUSED: " (is tapedeckd running?)"
        case EACCES, EPERM: " (is this user allowed by the socket's mode and group?)"
        default: ""
        }
    }
}
