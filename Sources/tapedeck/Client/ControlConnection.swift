import TapedeckSystem
#if canImport(Glibc)
import Glibc
#endif

/// A connection to tapedeckd's control socket (TapedeckSystem's `Socket`), one request per
/// line, replies read line by line.
final class ControlConnection {
    let path: String
    private let socket: Socket
    private var buffer: [UInt8] = []
    private var atEnd = false
    /// One receive's worth, allocated once for the connection.
    private let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 65536, alignment: 1)

    /// Connects to the Unix stream socket at `path`; failure is exit status 2 with one line
    /// naming the path and the reason.
    init(path: String) throws {
        self.path = path
        let bytes = path.utf8.count
        guard bytes > 0, bytes < UnixAddress.capacity else {
            chunk.deallocate()
            throw CommandFailure(
                message: "cannot connect to \(path): the path must be 1 to \(UnixAddress.capacity - 1) bytes long",
                exitCode: ClientExit.connection)
        }
        let socket: Socket
        do throws(Errno) {
            socket = try Socket.open(domain: AF_UNIX, type: SOCK_STREAM)
        } catch {
            chunk.deallocate()
            throw CommandFailure(message: "cannot create a socket: \(Self.describe(error))",
                                 exitCode: ClientExit.connection)
        }
        do throws(Errno) {
            try socket.connect(to: .path(path))
        } catch {
            socket.close()
            chunk.deallocate()
            throw CommandFailure(message: "cannot connect to \(path): \(Self.describe(error))\(Self.hint(error))",
                                 exitCode: ClientExit.connection)
        }
        self.socket = socket
    }

    deinit {
        socket.close()
        chunk.deallocate()
    }

    /// Sends `line` followed by `\n`.
    func send(line: String) throws {
        do throws(Errno) { try socket.send(line + "\n") } catch { throw lost(error) }
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
            guard case .readable = socket.waitReadable(milliseconds: 250) else { continue }
            let n: Int
            do throws(Errno) {
                n = try socket.receive(into: chunk)
            } catch {
                if error == .resourceTemporarilyUnavailable { continue }
                throw lost(error)
            }
            if n == 0 { atEnd = true; continue }
            buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[..<n]))
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

    private func lost(_ error: Errno) -> CommandFailure {
        CommandFailure(message: "connection to \(path) lost: \(Self.describe(error))", exitCode: ClientExit.connection)
    }

    static func describe(_ error: Errno) -> String { String(cString: strerror(error.rawValue)) }

    static func hint(_ error: Errno) -> String {
        switch error.rawValue {
        case ENOENT, ECONNREFUSED: " (is tapedeckd running?)"
        case EACCES, EPERM: " (is this user allowed by the socket's mode and group?)"
        default: ""
        }
    }
}
