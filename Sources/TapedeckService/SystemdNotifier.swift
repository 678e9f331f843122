import Foundation
import TapedeckSystem
#if canImport(Glibc)
import Glibc
#endif

/// The service manager's notification protocol (sd_notify(3)) spoken directly, without
/// libsystemd: each message is one datagram of newline-separated `KEY=VALUE` assignments
/// sent to the `AF_UNIX`/`SOCK_DGRAM` socket named by `$NOTIFY_SOCKET` — a filesystem path
/// (`/run/systemd/notify`) or an abstract-namespace name written with a leading `@`.
///
/// Without a socket (not started by systemd, or a unit that is not `Type=notify`) every
/// call is a silent no-op returning `.disabled`, so the daemon calls it unconditionally.
/// Thread-safe: a value holding only the address; each message opens, sends and closes
/// its own socket, exactly as sd_notify does.
public struct SystemdNotifier: Sendable {
    /// Where notifications go.
    public enum Address: Sendable, Hashable, CustomStringConvertible {
        /// A socket file, e.g. `/run/systemd/notify`.
        case path(String)
        /// A socket in the abstract namespace; the name without the leading `@` (or NUL).
        case abstract(String)

        /// Parses a `$NOTIFY_SOCKET` value: `/…` is a path, `@…` an abstract name.
        /// Anything else (empty, relative, `vsock:` of newer systemd versions) is unsupported.
        public init?(notifySocket value: String) {
            if value.hasPrefix("/") {
                self = .path(value)
            } else if value.hasPrefix("@"), value.utf8.count > 1 {
                self = .abstract(String(value.dropFirst()))
            } else {
                return nil
            }
        }

        public var description: String {
            switch self {
            case .path(let p): return p
            case .abstract(let name): return "@" + name
            }
        }
    }

    /// What became of a message.
    public enum Delivery: Sendable, Equatable {
        /// Sent to the socket.
        case sent
        /// No notification socket: nothing was sent (not an error).
        case disabled
        /// The socket could not be reached or the message was refused; `errno` says why.
        case failed(errno: Int32)
    }

    /// The socket messages go to; nil when notifications are off.
    public let address: Address?

    /// A notifier for this process's `$NOTIFY_SOCKET` (from `environment`).
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.init(socket: environment["NOTIFY_SOCKET"])
    }

    /// A notifier for an explicit `$NOTIFY_SOCKET`-style value (`/path` or `@abstract`);
    /// nil, empty or unsupported values give a disabled notifier.
    public init(socket: String?) {
        address = socket.flatMap(Address.init(notifySocket:))
    }

    /// Whether messages are sent anywhere.
    public var isEnabled: Bool { address != nil }

    // MARK: The messages

    /// `READY=1`: start-up is finished (every device captures, the control socket listens).
    /// With `status`, a `STATUS=` line goes in the same datagram.
    @discardableResult
    public func ready(status: String? = nil) -> Delivery {
        send(["READY=1"] + statusLine(status))
    }

    /// `STATUS=…`: one line shown by `systemctl status` (e.g. "3 recordings active").
    @discardableResult
    public func status(_ text: String) -> Delivery {
        send(statusLine(text))
    }

    /// `STOPPING=1`: shutdown has begun (recordings are being finalised).
    @discardableResult
    public func stopping(status: String? = nil) -> Delivery {
        send(["STOPPING=1"] + statusLine(status))
    }

    /// `WATCHDOG=1`: the keep-alive ping. Send it only when the service is known to be
    /// working — `Watchdog` does this from a liveness check.
    @discardableResult
    public func watchdog() -> Delivery {
        send(["WATCHDOG=1"])
    }

    /// `WATCHDOG=trigger`: asks systemd to act as if the watchdog had expired (the service
    /// knows itself to be broken beyond repair; `Restart=on-failure` restarts it).
    @discardableResult
    public func watchdogTrigger(status: String? = nil) -> Delivery {
        send(statusLine(status) + ["WATCHDOG=trigger"])
    }

    /// `RELOADING=1` with `MONOTONIC_USEC=` (CLOCK_MONOTONIC now), as `Type=notify-reload`
    /// (systemd 253 and later) requires; finish a reload with `ready()`.
    @discardableResult
    public func reloading(status: String? = nil) -> Delivery {
        send(["RELOADING=1", "MONOTONIC_USEC=\(Self.monotonicMicroseconds())"] + statusLine(status))
    }

    /// `EXTEND_TIMEOUT_USEC=…`: asks for more time in the current start-up or shutdown phase
    /// (e.g. while many recordings are being finalised), beyond `TimeoutStartSec`/`TimeoutStopSec`.
    @discardableResult
    public func extendTimeout(by duration: Duration) -> Delivery {
        send(["EXTEND_TIMEOUT_USEC=\(Self.microseconds(duration))"])
    }

    /// `ERRNO=…` with an optional `STATUS=`: why the service is failing.
    @discardableResult
    public func failing(errno code: Int32, status: String? = nil) -> Delivery {
        send(statusLine(status) + ["ERRNO=\(code)"])
    }

    /// Sends `assignments` (each `KEY=VALUE`, no newline inside) as one datagram.
    @discardableResult
    public func send(_ assignments: [String]) -> Delivery {
        guard let address else { return .disabled }
        guard !assignments.isEmpty else { return .sent }
        return Self.send(assignments.joined(separator: "\n"), to: address)
    }

    // MARK: The watchdog setting

    /// systemd's `WatchdogSec=` as passed to this process: `$WATCHDOG_USEC` when it is set,
    /// positive and meant for this process (`$WATCHDOG_PID` absent, or equal to `pid`);
    /// nil when no watchdog is expected (sd_watchdog_enabled(3)).
    public static func watchdogInterval(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        pid: Int32 = getpid()
    ) -> Duration? {
        guard let text = environment["WATCHDOG_USEC"], let usec = UInt64(text), usec > 0,
              usec < UInt64(Int64.max) else { return nil }
        if let pidText = environment["WATCHDOG_PID"] {
            guard let watched = Int32(pidText), watched > 0, watched == pid else { return nil }
        }
        return .microseconds(Int64(usec))
    }

    // MARK: Internals

    /// A `STATUS=` assignment (newlines would start new assignments: they become spaces).
    private func statusLine(_ text: String?) -> [String] {
        guard let text else { return [] }
        let clean = text.map { $0.isNewline ? " " : $0 }
        return ["STATUS=" + String(clean)]
    }

    static func microseconds(_ d: Duration) -> UInt64 {
        let (s, atto) = d.components
        if s < 0 { return 0 }
        return UInt64(s) &* 1_000_000 &+ UInt64(atto / 1_000_000_000_000)
    }

    static func monotonicMicroseconds() -> UInt64 {
        MonotonicClock.nanoseconds() / 1_000
    }

    /// One datagram to `address`. The send may wait at most two seconds for a busy
    /// receiver, so a wedged service manager cannot hang the caller.
    static func send(_ message: String, to address: Address) -> Delivery {
        let socket: Socket
        do throws(Errno) { socket = try Socket.open(domain: AF_UNIX, type: SOCK_DGRAM) } catch {
            return .failed(errno: error.rawValue)
        }
        defer { socket.close() }
        socket.setSendTimeout(seconds: 2)
        do throws(Errno) {
            try socket.send(datagram: Array(message.utf8), to: address.unixAddress)
        } catch {
            return .failed(errno: error.rawValue)
        }
        return .sent
    }
}

extension SystemdNotifier.Address {
    var unixAddress: UnixAddress {
        switch self {
        case .path(let p): return .path(p)
        case .abstract(let name): return .abstract(name)
        }
    }
}
