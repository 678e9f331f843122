import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A test's own stand-in for systemd's notification socket: an AF_UNIX datagram socket
/// bound to a fresh file path or abstract name, from which the test reads the datagrams.
public final class NotifySocket: @unchecked Sendable {
    public let fd: Int32
    /// The `$NOTIFY_SOCKET` value naming this socket (`/…` or `@…`).
    public let notifySocket: String
    private let directory: String?

    public enum Kind: Sendable { case path, abstract }

    public init(_ kind: Kind) throws {
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        let unique = UUID().uuidString.prefix(12)
        var name: [UInt8]
        switch kind {
        case .path:
            let dir = FileManager.default.temporaryDirectory.path + "/tapedeck-notify-\(unique)"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            directory = dir
            notifySocket = dir + "/notify"
            name = Array(notifySocket.utf8)
        case .abstract:
            directory = nil
            notifySocket = "@tapedeck-test/notify-\(unique)"
            name = [0] + Array(notifySocket.utf8.dropFirst())   // abstract: a leading NUL
        }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            for (i, b) in name.prefix(raw.count - 1).enumerated() { raw[i] = b }
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + name.count + (kind == .path ? 1 : 0))
        let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard rc == 0 else { close(fd); throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    }

    deinit {
        close(fd)
        if let directory { try? FileManager.default.removeItem(atPath: directory) }
    }

    /// The next datagram, or nil when none arrives within `timeout` seconds.
    public func receive(timeout: Double = 2) -> String? {
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&pfd, 1, Int32(timeout * 1000)) == 1 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
        guard n >= 0 else { return nil }
        return String(decoding: buffer[..<n], as: UTF8.self)
    }

    /// Every datagram already queued.
    public func drain() -> [String] {
        var all: [String] = []
        while let m = receive(timeout: 0) { all.append(m) }
        return all
    }
}
