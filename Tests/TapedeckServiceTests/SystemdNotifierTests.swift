import Foundation
import Testing
@testable import TapedeckService
import TapedeckTestSupport

@Suite("sd_notify messages over $NOTIFY_SOCKET")
struct SystemdNotifierTests {
    @Test("exact datagrams on a socket file and on an abstract name",
          arguments: [NotifySocket.Kind.path, .abstract])
    func exactDatagrams(kind: NotifySocket.Kind) throws {
        let socket = try NotifySocket(kind)
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": socket.notifySocket])
        #expect(notifier.isEnabled)

        #expect(notifier.ready() == .sent)
        #expect(socket.receive() == "READY=1")
        #expect(notifier.ready(status: "4 stations, 0 recordings") == .sent)
        #expect(socket.receive() == "READY=1\nSTATUS=4 stations, 0 recordings")
        #expect(notifier.status("3 recordings active") == .sent)
        #expect(socket.receive() == "STATUS=3 recordings active")
        #expect(notifier.watchdog() == .sent)
        #expect(socket.receive() == "WATCHDOG=1")
        #expect(notifier.stopping() == .sent)
        #expect(socket.receive() == "STOPPING=1")
        #expect(notifier.stopping(status: "finalising 2 recordings") == .sent)
        #expect(socket.receive() == "STOPPING=1\nSTATUS=finalising 2 recordings")
        #expect(notifier.extendTimeout(by: .seconds(30)) == .sent)
        #expect(socket.receive() == "EXTEND_TIMEOUT_USEC=30000000")
        #expect(notifier.watchdogTrigger() == .sent)
        #expect(socket.receive() == "WATCHDOG=trigger")
        #expect(notifier.failing(errno: 5, status: "capture failed") == .sent)
        #expect(socket.receive() == "STATUS=capture failed\nERRNO=5")
        #expect(socket.drain().isEmpty)
    }

    @Test("a status with newlines stays one assignment")
    func statusNewlines() throws {
        let socket = try NotifySocket(.path)
        let notifier = SystemdNotifier(socket: socket.notifySocket)
        notifier.status("two\nlines\r\nhere")
        #expect(socket.receive() == "STATUS=two lines here")
    }

    @Test("RELOADING=1 carries CLOCK_MONOTONIC in microseconds")
    func reloading() throws {
        let socket = try NotifySocket(.abstract)
        let notifier = SystemdNotifier(socket: socket.notifySocket)
        let before = SystemdNotifier.monotonicMicroseconds()
        notifier.reloading()
        let after = SystemdNotifier.monotonicMicroseconds()
        let lines = try #require(socket.receive()).split(separator: "\n")
        #expect(lines.count == 2 && lines[0] == "RELOADING=1")
        let usec = try #require(lines.last.flatMap { $0.split(separator: "=").last }.flatMap { UInt64($0) })
        #expect(lines[1].hasPrefix("MONOTONIC_USEC=") && before <= usec && usec <= after)
    }

    @Test("no NOTIFY_SOCKET: every call is a silent no-op", arguments: [
        [:], ["NOTIFY_SOCKET": ""], ["NOTIFY_SOCKET": "relative/path"], ["NOTIFY_SOCKET": "@"],
        ["NOTIFY_SOCKET": "vsock:2:1234"],
    ] as [[String: String]])
    func disabled(environment: [String: String]) {
        let notifier = SystemdNotifier(environment: environment)
        #expect(!notifier.isEnabled)
        #expect(notifier.address == nil)
        #expect(notifier.ready(status: "x") == .disabled)
        #expect(notifier.status("x") == .disabled)
        #expect(notifier.stopping() == .disabled)
        #expect(notifier.watchdog() == .disabled)
        #expect(notifier.reloading() == .disabled)
        #expect(notifier.extendTimeout(by: .seconds(1)) == .disabled)
        #expect(notifier.send(["X=1"]) == .disabled)
    }

    @Test("a socket nobody listens on is reported, not thrown or fatal")
    func unreachable() {
        let notifier = SystemdNotifier(socket: "/nonexistent-\(UUID().uuidString)/notify")
        #expect(notifier.isEnabled)
        #expect(notifier.ready() == .failed(errno: ENOENT))
        let tooLong = SystemdNotifier(socket: "/" + String(repeating: "x", count: 200))
        #expect(tooLong.watchdog() == .failed(errno: ENAMETOOLONG))
    }

    @Test("addresses: path and abstract forms")
    func addresses() {
        #expect(SystemdNotifier.Address(notifySocket: "/run/systemd/notify") == .path("/run/systemd/notify"))
        #expect(SystemdNotifier.Address(notifySocket: "@/org/freedesktop/systemd1/notify/123")
                == .abstract("/org/freedesktop/systemd1/notify/123"))
        #expect(SystemdNotifier.Address.abstract("x").description == "@x")
    }

    @Test("WatchdogSec from WATCHDOG_USEC, for this process only")
    func watchdogInterval() {
        let pid = getpid()
        #expect(SystemdNotifier.watchdogInterval(environment: ["WATCHDOG_USEC": "10000000"], pid: pid) == .seconds(10))
        #expect(SystemdNotifier.watchdogInterval(environment: ["WATCHDOG_USEC": "2500000", "WATCHDOG_PID": "\(pid)"],
                                                 pid: pid) == .milliseconds(2500))
        #expect(SystemdNotifier.watchdogInterval(environment: ["WATCHDOG_USEC": "10000000", "WATCHDOG_PID": "\(pid + 1)"],
                                                 pid: pid) == nil)
        #expect(SystemdNotifier.watchdogInterval(environment: ["WATCHDOG_USEC": "10000000", "WATCHDOG_PID": "junk"],
                                                 pid: pid) == nil)
        #expect(SystemdNotifier.watchdogInterval(environment: ["WATCHDOG_USEC": "0"], pid: pid) == nil)
        #expect(SystemdNotifier.watchdogInterval(environment: ["WATCHDOG_USEC": "ten"], pid: pid) == nil)
        #expect(SystemdNotifier.watchdogInterval(environment: [:], pid: pid) == nil)
    }
}
