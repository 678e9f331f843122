import Foundation
import Logging
import Testing
@testable import TapedeckService
import TapedeckTestSupport

/// A value shared between the test and the watchdog's thread.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    var get: Value { lock.lock(); defer { lock.unlock() }; return value }
    func set(_ v: Value) { lock.lock(); value = v; lock.unlock() }
    func update(_ f: (inout Value) -> Void) { lock.lock(); f(&value); lock.unlock() }
}

/// Collected log lines (journal format), for checking what a component logs.
func collectingLogger(_ lines: Locked<[String]>, label: String = "test") -> Logger {
    Logger(label: label) { label in
        JournalLogHandler(label: label, level: .trace, format: .journal) { line in lines.update { $0.append(line) } }
    }
}

/// Waits (up to `timeout` seconds) until `condition` holds.
func eventually(timeout: Double = 5, _ condition: () -> Bool) -> Bool {
    let end = Date(timeIntervalSinceNow: timeout)
    while Date() < end {
        if condition() { return true }
        usleep(5_000)
    }
    return condition()
}

@Suite("Watchdog: WATCHDOG=1 only while the liveness check passes")
struct WatchdogTests {
    @Test("pings while alive, withholds while stalled, resumes, stops")
    func pingsOnlyWhileAlive() throws {
        let socket = try NotifySocket(.abstract)
        let notifier = SystemdNotifier(socket: socket.notifySocket)
        let state = Locked<Liveness>(.alive)
        let lines = Locked<[String]>([])
        let watchdog = Watchdog(notifier: notifier, interval: .milliseconds(100),
                                logger: collectingLogger(lines)) { state.get }
        #expect(watchdog.pingInterval == .milliseconds(50))
        watchdog.start()
        defer { watchdog.stop() }

        // Alive: pings arrive, each exactly WATCHDOG=1.
        for _ in 0..<3 { #expect(socket.receive() == "WATCHDOG=1") }

        // Stalled: once a whole check has run after the change, nothing more is sent.
        state.set(.stalled("capture card1 has not progressed"))
        let c0 = watchdog.checksRun
        #expect(eventually { watchdog.checksRun >= c0 + 2 })
        _ = socket.drain()
        let p0 = watchdog.pingsSent
        let c1 = watchdog.checksRun
        #expect(eventually { watchdog.checksRun >= c1 + 4 })
        #expect(socket.drain().isEmpty)
        #expect(watchdog.pingsSent == p0)

        // Alive again: pinging resumes.
        state.set(.alive)
        #expect(socket.receive() == "WATCHDOG=1")

        // Stopped: silence.
        watchdog.stop()
        _ = socket.drain()
        let p1 = watchdog.pingsSent
        usleep(250_000)
        #expect(socket.drain().isEmpty)
        #expect(watchdog.pingsSent == p1)

        // One line when it stalled (with the reason), one when it recovered; none per ping.
        let logged = lines.get.filter { $0.contains("watchdog:") }
        #expect(logged.count == 2, "\(logged)")
        #expect(logged.first?.hasPrefix("<3>test: watchdog: not alive") == true)
        #expect(logged.first?.contains("reason=\"capture card1 has not progressed\"") == true)
        #expect(logged.last?.hasPrefix("<5>test: watchdog: alive again") == true)
    }

    @Test("a check that never passes sends nothing")
    func neverAlive() throws {
        let socket = try NotifySocket(.path)
        let watchdog = Watchdog(notifier: SystemdNotifier(socket: socket.notifySocket),
                                interval: .milliseconds(40), logger: Logger(label: "quiet") { _ in SwiftLogNoOpLogHandler() },
                                isAlive: { false })
        watchdog.start()
        #expect(eventually { watchdog.checksRun >= 3 })
        watchdog.stop()
        #expect(socket.drain().isEmpty)
        #expect(watchdog.pingsSent == 0)
    }

    @Test("stop() returns promptly even with a long interval, and start/stop are idempotent")
    func promptStop() {
        let watchdog = Watchdog(notifier: SystemdNotifier(socket: nil), interval: .seconds(600),
                                logger: Logger(label: "quiet") { _ in SwiftLogNoOpLogHandler() }, isAlive: { true })
        let t0 = Date()
        watchdog.start()
        watchdog.start()
        watchdog.stop()
        watchdog.stop()
        #expect(Date().timeIntervalSince(t0) < 2)
        #expect(watchdog.checksRun == 0)
    }

    @Test("fromEnvironment: only with both NOTIFY_SOCKET and WATCHDOG_USEC for this process")
    func fromEnvironment() {
        let on = SystemdNotifier(socket: "@x")
        let off = SystemdNotifier(socket: nil)
        let pid = "\(getpid())"
        let check: @Sendable () -> Liveness = { .alive }
        let w = Watchdog.fromEnvironment(notifier: on, environment: ["WATCHDOG_USEC": "20000000", "WATCHDOG_PID": pid],
                                         check: check)
        #expect(w?.interval == .seconds(20))
        #expect(w?.pingInterval == .seconds(10))
        #expect(Watchdog.fromEnvironment(notifier: off, environment: ["WATCHDOG_USEC": "20000000"], check: check) == nil)
        #expect(Watchdog.fromEnvironment(notifier: on, environment: [:], check: check) == nil)
        #expect(Watchdog.fromEnvironment(notifier: on, environment: ["WATCHDOG_USEC": "20000000", "WATCHDOG_PID": "1"],
                                         check: check) == nil)
    }
}

@Suite("ProgressMonitor: counters that must keep moving")
struct ProgressMonitorTests {
    @Test("alive while every counter moves within maxStall; names the stalled one")
    func stalls() {
        let clock = Locked(ContinuousClock.now)
        let monitor = ProgressMonitor(maxStall: .seconds(5)) { clock.get }
        #expect(monitor.check(["capture card1": 0, "writer": 0]) == .alive)       // first sight: grace
        clock.update { $0 += .seconds(4) }
        #expect(monitor.check(["capture card1": 0, "writer": 1]) == .alive)       // within 5 s
        clock.update { $0 += .seconds(2) }
        #expect(monitor.check(["capture card1": 0, "writer": 2])
                == .stalled("capture card1 has not progressed for more than 5 s"))
        #expect(monitor.check(["capture card1": 160, "writer": 2]) == .alive)     // moved again
        clock.update { $0 += .milliseconds(5_001) }
        #expect(monitor.check(["capture card1": 320, "writer": 2])
                == .stalled("writer has not progressed for more than 5 s"))
    }

    @Test("new counters get a grace period; vanished ones are forgotten; reset forgets all")
    func membership() {
        let clock = Locked(ContinuousClock.now)
        let monitor = ProgressMonitor(maxStall: .milliseconds(1500)) { clock.get }
        #expect(monitor.check(["a": 1]) == .alive)
        clock.update { $0 += .seconds(2) }
        #expect(monitor.check(["b": 7]) == .alive)
        #expect(monitor.check(["a": 1, "b": 7]) == .alive)
        clock.update { $0 += .seconds(2) }
        #expect(monitor.check(["a": 1, "b": 7]) == .stalled("a has not progressed for more than 1500 ms"))
        monitor.reset()
        #expect(monitor.check(["a": 1, "b": 7]) == .alive)
    }

    @Test("drives a Watchdog end to end")
    func withWatchdog() throws {
        let socket = try NotifySocket(.path)
        let frames = Locked<UInt64>(0)
        let monitor = ProgressMonitor(maxStall: .milliseconds(150))
        let watchdog = Watchdog(notifier: SystemdNotifier(socket: socket.notifySocket), interval: .milliseconds(60),
                                logger: Logger(label: "quiet") { _ in SwiftLogNoOpLogHandler() }) {
            monitor.check(["capture": frames.get])
        }
        watchdog.start()
        defer { watchdog.stop() }
        // Frames advancing: pings.
        let feeder = Thread { while !Thread.current.isCancelled { frames.update { $0 += 160 }; usleep(10_000) } }
        feeder.start()
        #expect(socket.receive() == "WATCHDOG=1")
        #expect(socket.receive() == "WATCHDOG=1")
        // Capture frozen: after maxStall, the pings stop.
        feeder.cancel()
        usleep(50_000)
        let c0 = watchdog.checksRun
        #expect(eventually { watchdog.checksRun >= c0 + 8 })   // ≥ 240 ms: past maxStall
        _ = socket.drain()
        let c1 = watchdog.checksRun
        #expect(eventually { watchdog.checksRun >= c1 + 3 })
        #expect(socket.drain().isEmpty)
    }
}
