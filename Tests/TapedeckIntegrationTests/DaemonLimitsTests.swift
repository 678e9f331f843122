import Foundation
import Testing
import TapedeckTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The bounds on what local clients can take from tapedeckd: connections, idle and
/// non-reading clients, recordings per agent and in all, file descriptors, the listen
/// backlog and the log.
@Suite struct DaemonLimitsTests {
    /// A client whose reads give up after `seconds` (so a test fails fast, not after 20 s).
    func client(_ daemon: DaemonHarness, readTimeout seconds: Int = 10) throws -> ControlClient {
        let c = try daemon.connect()
        var tv = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(c.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        return c
    }

    /// Connects and logs `agent` in at `station` until that succeeds (a slot freed by a
    /// closed connection is given back by the daemon's connection thread, a moment later).
    func loginWhenServed(_ daemon: DaemonHarness, _ agent: Int, _ station: String) -> ControlClient? {
        var served: ControlClient?
        _ = waitUntil(seconds: 10) {
            guard let c = try? client(daemon, readTimeout: 5),
                  c.request("function=login&agent_user=\(agent)&station=\(station)&session_id=86\(agent)")?
                      .hasPrefix("SUCCESS: login function sent") == true else { return false }
            served = c
            return true
        }
        return served
    }

    func lines(_ daemon: DaemonHarness, containing text: String) -> [String] {
        (daemon.process?.stderrSoFar ?? "").split(separator: "\n").map(String.init).filter { $0.contains(text) }
    }

    @Test func theConnectionBeyondTheLimitIsRefusedWithOneLine() throws {
        let daemon = try DaemonHarness.virtual(control: "max_connections = 3")
        try daemon.start()
        // (Retried: the connection the harness probed the socket with may not be released yet.)
        var open: [ControlClient] = []
        for i in 1...3 { open.append(try #require(loginWhenServed(daemon, 1000 + i, "st\(i)"))) }
        let refused = try client(daemon)
        #expect(refused.readLine() == "ERROR: too many connections - 3")
        #expect(refused.isClosedByPeer())
        // The three go on being served; one closing makes room.
        #expect(open[0].request("function=recording&agent_user=1001&value=START")?.hasPrefix("SUCCESS") == true)
        open.removeLast()
        let again = try #require(loginWhenServed(daemon, 1004, "st4"))
        #expect(again.request("function=recording&agent_user=1004&value=START")?.hasPrefix("SUCCESS") == true)
        #expect(lines(daemon, containing: "connection refused: at the limit of open connections").count >= 1)
        #expect(daemon.stop()?.status == 0)
    }

    @Test func anIdleConnectionIsClosedButASubscriberIsNot() throws {
        let daemon = try DaemonHarness.virtual(control: "idle_timeout_seconds = 1")
        try daemon.start()
        let subscriber = try client(daemon)
        #expect(subscriber.request("function=subscribe") == "SUCCESS: subscribe function sent - event stream follows")
        let idle = try client(daemon)
        let opened = Date()
        #expect(idle.readLine() == "ERROR: idle timeout - 1")
        #expect(idle.isClosedByPeer())
        #expect(Date().timeIntervalSince(opened) >= 0.9)
        // Both connections were opened at the same time: the subscriber is still served.
        let other = try client(daemon)
        #expect(other.request("function=login&agent_user=1000&station=st1&session_id=8600051")?.hasPrefix("SUCCESS") == true)
        let event = subscriber.readLine() ?? ""
        #expect(event.hasPrefix(#"{"event":"agent.login","#), "\(event)")
        #expect(daemon.stop()?.status == 0)
    }

    @Test func aSubscriberThatNeverReadsIsDroppedAndBlocksNobody() throws {
        let daemon = try DaemonHarness.virtual(control: "send_timeout_seconds = 1")
        try daemon.start()
        let deaf = try client(daemon)
        #expect(deaf.request("function=subscribe") == "SUCCESS: subscribe function sent - event stream follows")
        let recorder = try client(daemon)
        #expect(recorder.request("function=login&agent_user=2000&station=st2&session_id=8600052")?.hasPrefix("SUCCESS") == true)
        #expect(recorder.request("function=recording&agent_user=2000&value=START")?.hasPrefix("SUCCESS") == true)
        // Thousands of events (login/logout), pipelined 200 requests at a time.
        let busy = try client(daemon)
        var answered = 0
        for _ in 0..<15 {
            var batch = ""
            for _ in 0..<100 {
                batch += "function=login&agent_user=1000&station=st1&session_id=8600051\nfunction=logout&agent_user=1000\n"
            }
            busy.sendRaw(Array(batch.utf8))
            for _ in 0..<200 where busy.readLine()?.hasPrefix("SUCCESS") == true { answered += 1 }
        }
        #expect(answered == 3000)
        // The deaf subscriber's connection is closed by the daemon.
        let hungUp = waitUntil(seconds: 30) {
            var p = pollfd(fd: deaf.fd, events: Int16(POLLIN), revents: 0)
            return poll(&p, 1, 0) > 0 && p.revents & Int16(POLLHUP) != 0
        }
        #expect(hungUp)
        #expect(recorder.request("function=recording&agent_user=2000&value=STOP")
                == "SUCCESS: recording function sent - 2000|STOP||||10.0.0.5|8600052|PAUSED")
        #expect(waitUntil(seconds: 10) { lines(daemon, containing: "subscriber dropped: not reading its events").count == 1 })
        #expect(daemon.stop()?.status == 0)
    }

    @Test func recordingsPerAgentAndInAllAreLimited() throws {
        let daemon = try DaemonHarness.virtual(recording: "max_recordings_per_agent = 2\nmax_recordings = 3")
        try daemon.start()
        let c = try client(daemon)
        for (agent, station) in [(1000, 1), (2000, 2), (3000, 3)] {
            #expect(c.request("function=login&agent_user=\(agent)&station=st\(station)&session_id=860005\(station)")?
                .hasPrefix("SUCCESS") == true)
        }
        #expect(c.request("function=recording&agent_user=1000&value=START")?.hasPrefix("SUCCESS") == true)
        #expect(c.request("function=stereo_recording&agent_user=1000&value=BEGIN")?.hasPrefix("SUCCESS") == true)
        #expect(c.request("function=recording&agent_user=1000&value=START")
                == "ERROR: start recording error - 1000|limit of 2 recordings per agent reached||||10.0.0.5|8600051|PAUSED")
        #expect(c.request(#"{"function":"recording","agent_user":"1000","value":"START"}"#)
                == #"{"error":{"code":"agent_recording_limit","message":"recording could not be started: limit of 2 recordings per agent reached"}}"#)
        // Another agent still starts, up to the limit in all.
        #expect(c.request("function=recording&agent_user=2000&value=START")?.hasPrefix("SUCCESS") == true)
        #expect(c.request("function=recording&agent_user=3000&value=START")
                == "ERROR: start recording error - 3000|limit of 3 recordings reached||||10.0.0.5|8600053|PAUSED")
        #expect(c.request(#"{"function":"stereo_recording","agent_user":"3000","value":"BEGIN"}"#)
                == #"{"error":{"code":"recording_limit","message":"stereo_recording could not be started: limit of 3 recordings reached"}}"#)
        // A STOP makes room.
        #expect(c.request("function=recording&agent_user=1000&value=STOP")?.hasPrefix("SUCCESS") == true)
        #expect(c.request("function=recording&agent_user=3000&value=START")?.hasPrefix("SUCCESS") == true)
        for agent in [1000, 2000, 3000] { #expect(c.request("function=logout&agent_user=\(agent)")?.hasPrefix("SUCCESS") == true) }
        #expect(daemon.stop()?.status == 0)
        // Four recordings made, no file for a refused START.
        #expect(try FileManager.default.contentsOfDirectory(atPath: daemon.spool).filter { $0.hasSuffix(".wav") }.count == 4)
    }

    /// CPU seconds (user + system) the process has used.
    func cpuSeconds(_ pid: pid_t) -> Double {
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        guard let close = stat.lastIndex(of: ")") else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        let ticks = (Double(fields[11]) ?? 0) + (Double(fields[12]) ?? 0)
        return ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    @Test func outOfDescriptorsTheDaemonRefusesWithoutSpinningAndRecovers() throws {
        let daemon = try DaemonHarness.virtual()
        try daemon.start()
        let pid = try #require(daemon.process?.pid)
        // A descriptor limit just above what the daemon has open now.
        let inUse = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count
        let low = inUse + 4
        #expect(try Subprocess.run("prlimit", ["--pid", "\(pid)", "--nofile=\(low):\(low)"]).status == 0)
        // Connections until the daemon is out of descriptors.
        var idle: [ControlClient] = []
        var refusal: String?
        for _ in 0..<20 {
            let c = try client(daemon, readTimeout: 5)
            guard let line = c.request("function=health") else { break }
            if line.hasPrefix("ERROR:") { refusal = line; break }
            idle.append(c)
        }
        #expect(refusal == "ERROR: too many open files - connection refused")
        #expect(!idle.isEmpty && idle.count < 10)
        // A flood while there are none: each gets the refusal, the daemon does not spin.
        let cpuBefore = cpuSeconds(pid)
        let began = Date()
        var refused = 0
        for _ in 0..<200 {
            let c = try client(daemon, readTimeout: 5)
            guard c.readLine() == "ERROR: too many open files - connection refused" else { break }
            refused += 1
        }
        let wall = Date().timeIntervalSince(began)
        let cpu = cpuSeconds(pid) - cpuBefore
        #expect(refused == 200)
        #expect(cpu < max(1.0, wall * 0.5), "daemon used \(cpu) s of CPU in \(wall) s")
        let logged = lines(daemon, containing: "control socket: out of file descriptors").count
        #expect(logged >= 1 && logged <= 5, "\(logged) lines")
        // Once connections close, it serves again.
        idle.removeAll()
        let again = try #require(loginWhenServed(daemon, 1000, "st1"))
        #expect(again.request("function=recording&agent_user=1000&value=START")?.hasPrefix("SUCCESS") == true)
        #expect(again.request("function=recording&agent_user=1000&value=STOP")?.hasPrefix("SUCCESS") == true)
        #expect(daemon.stop()?.status == 0)
    }

    @Test func aBurstOfAThousandConnectsIsNotRefusedByTheBacklog() throws {
        let daemon = try DaemonHarness.virtual()
        try daemon.start()
        var address = unixAddress(daemon.socketPath)
        var fds: [Int32] = []
        defer { for fd in fds { close(fd) } }
        var again = 0, failed = 0
        for _ in 0..<1000 {
            let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            guard fd >= 0 else { failed += 1; continue }
            fds.append(fd)
            let rc = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            if rc != 0 { if errno == EAGAIN { again += 1 } else { failed += 1 } }
        }
        #expect(again == 0 && failed == 0, "\(again) EAGAIN, \(failed) other failures")
        // Every one of them gets an answer (a reply, or beyond max_connections the refusal).
        let last = try #require(fds.last)
        _ = "function=health\n".withCString { send(last, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
        #expect(waitUntil(seconds: 20) {
            var b = [UInt8](repeating: 0, count: 256)
            return recv(last, &b, b.count, Int32(MSG_DONTWAIT)) > 0
        })
        #expect(daemon.stop()?.status == 0)
    }

    @Test func aFloodOfRefusedRequestsIsLoggedAFewTimesWithACount() throws {
        let daemon = try DaemonHarness.virtual()
        try daemon.start()
        let c = try client(daemon)
        let total = 20_000
        let line = "function=recording&agent_user=1000&value=START\n"
        for _ in 0..<(total / 500) {
            c.sendRaw(Array(String(repeating: line, count: 500).utf8))
            for _ in 0..<500 { #expect(c.readLine() == "ERROR: agent_user is not logged in - 1000") }
        }
        let summary = "request refused: "
        #expect(waitUntil(seconds: 30) { !lines(daemon, containing: summary).isEmpty })
        let written = lines(daemon, containing: "request refused").filter { !$0.contains(summary) }
        let suppressed = lines(daemon, containing: summary).compactMap { l -> Int? in
            guard let r = l.range(of: summary) else { return nil }
            return Int(l[r.upperBound...].prefix { $0.isNumber })
        }
        #expect(written.count <= 3 * 5, "\(written.count) lines")
        #expect(written.count + suppressed.reduce(0, +) == total, "\(written.count) + \(suppressed)")
        // Another client (another process) has a budget of its own.
        let other = try runTapedeck(["send", "--socket", daemon.socketPath, "function=recording&agent_user=1000&value=STOP"])
        #expect(other.stdout == "ERROR: agent_user is not logged in - 1000\n", "\(other.stdout)")
        #expect(waitUntil(seconds: 10) { lines(daemon, containing: "request refused").count > written.count + suppressed.count })
        #expect(daemon.stop()?.status == 0)
    }
}
