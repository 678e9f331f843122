import Foundation
import Testing
import TapedeckTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The client commands of `tapedeck` (login, logout, status, start, stop, stereo, events,
/// send) against a fake daemon: a thread on a Unix socket in the test's own directory that
/// records the request lines it receives and answers with canned lines. Checks the exact
/// request lines, the exact output and the exit statuses.
@Suite struct ClientCommandTests {
    // Reply lines as docs/protocol.md gives them.
    static let loginOK = "SUCCESS: login function sent - 1000|st1|8600051|10.0.0.5|PAUSED"
    static let startOK = "SUCCESS: recording function sent - 1000|START_MIDCALL||||10.0.0.5|8600051|PAUSED"
    static let stopNone = "ERROR: stop recording error - 1000|||||10.0.0.5|8600051|PAUSED"
    static let active = "NOTICE: recording active - 1000|42|20261121-101010__1000|10.0.0.9|2026-11-21 10:10:10|10.0.0.5|8600051|PAUSED"
    static let notStereo = "NOTICE: not stereo_recording - 1000|||||10.0.0.5|8600051|PAUSED"
    static let notLoggedIn = "ERROR: agent_user is not logged in - 1000"

    func tapedeck(_ args: [String], _ daemon: FakeDaemon, environment: [String: String] = [:]) throws -> ProcessResult {
        try runTapedeck(args + ["--socket", daemon.path], environment: environment)
    }

    // MARK: request lines and readable output

    @Test func loginSendsEveryParameterInOrder() throws {
        let daemon = try FakeDaemon(replying: Self.loginOK)
        let r = try tapedeck(["login", "1000", "--station", "st1", "--session", "8600051",
                              "--server", "10.0.0.5", "--status", "PAUSED"], daemon)
        #expect(daemon.received == ["function=login&agent_user=1000&station=st1&session_id=8600051&agent_server=10.0.0.5&agent_status=PAUSED"])
        #expect(r.stdout == Self.loginOK + "\n  agent 1000 logged in at station st1 (session 8600051, agent server 10.0.0.5, status PAUSED)\n")
        #expect(r.stderr == "")
        #expect(r.status == 0)
    }

    @Test func loginLeavesOutOptionalParameters() throws {
        let daemon = try FakeDaemon(replying: "ERROR: station not valid - st9|1000")
        let r = try tapedeck(["login", "1000", "--station", "st9", "--session", "0086"], daemon)
        #expect(daemon.received == ["function=login&agent_user=1000&station=st9&session_id=0086"])
        #expect(r.stdout == "ERROR: station not valid - st9|1000\n")
        #expect(r.status == 1)
    }

    @Test func valuesArePercentEncoded() throws {
        let daemon = try FakeDaemon(replying: Self.startOK)
        let r = try tapedeck(["start", "a+b@c", "--stage", "_MID CALL!&=%/é~."], daemon)
        #expect(daemon.received == ["function=recording&agent_user=a%2Bb%40c&value=START&stage=_MID%20CALL%21%26%3D%25%2F%C3%A9~."])
        #expect(r.status == 0)
    }

    @Test func startSendsItsOptionsUnderTheProtocolsKeys() throws {
        let daemon = try FakeDaemon(replying: Self.startOK)
        let r = try tapedeck(["start", "1000", "--stage", "_MIDCALL", "--format", "mp3", "--bitrate", "32",
                              "--timeout", "60", "--end-on-silence", "5", "--end-on-key", "#",
                              "--preroll", "1.5", "--min-duration", "2", "--legs", "split"], daemon)
        #expect(daemon.received == ["function=recording&agent_user=1000&value=START&stage=_MIDCALL&format=mp3&bitrate=32&timeout=60&end_on_silence=5&end_on_key=%23&preroll=1.5&min_duration=2&legs=split"])
        #expect(r.stdout == Self.startOK + "\n  recording started for agent 1000 (stage _MIDCALL)\n")
        #expect(r.status == 0)
    }

    @Test func jsonFormIsSentAndTheReplyPrintedAsItCame() throws {
        let reply = #"{"data":{"recording":{"id":42,"agent_user":"1000","status":"started"}}}"#
        let daemon = try FakeDaemon(replying: reply)
        let r = try tapedeck(["start", "1000", "--json", "--stage", "a\"b\\c\nd\u{1}é"], daemon)
        #expect(daemon.received == [#"{"function":"recording","agent_user":"1000","value":"START","stage":"a\"b\\c\nd\u0001é"}"#])
        #expect(r.stdout == reply + "\n")
        #expect(r.status == 0)
    }

    @Test func jsonErrorExitsOne() throws {
        let reply = #"{"error":{"code":"recording_not_started","message":"no recording running to stop for agent_user 1000"}}"#
        let daemon = try FakeDaemon(replying: reply)
        let r = try tapedeck(["stop", "1000", "--json"], daemon)
        #expect(daemon.received == [#"{"function":"recording","agent_user":"1000","value":"STOP"}"#])
        #expect(r.stdout == reply + "\n")
        #expect(r.status == 1)
    }

    @Test func stopWithNothingRunningIsAnErrorWithASummary() throws {
        let daemon = try FakeDaemon(replying: Self.stopNone)
        let r = try tapedeck(["stop", "1000"], daemon)
        #expect(daemon.received == ["function=recording&agent_user=1000&value=STOP"])
        #expect(r.stdout == Self.stopNone + "\n  nothing to stop: no recording is running\n")
        #expect(r.stderr == "")
        #expect(r.status == 1)
    }

    @Test func statusAsksForBothKindsOfRecording() throws {
        let daemon = try FakeDaemon { line in
            line.contains("stereo_recording") ? Self.notStereo : Self.active
        }
        let r = try tapedeck(["status", "1000"], daemon)
        #expect(daemon.received == ["function=recording&agent_user=1000&value=STATUS",
                                    "function=stereo_recording&agent_user=1000&value=STATUS"])
        #expect(r.stdout == """
            \(Self.active)
              recording #42 active since 2026-11-21 10:10:10: 20261121-101010__1000 (session 8600051, status PAUSED)
            \(Self.notStereo)
              no stereo recording active (session 8600051, status PAUSED)

            """)
        #expect(r.status == 0)
    }

    @Test func statusOfAnAgentNotLoggedInPrintsTheErrorOnce() throws {
        let daemon = try FakeDaemon(replying: Self.notLoggedIn)
        let r = try tapedeck(["status", "1000"], daemon)
        #expect(daemon.received.count == 2)
        #expect(r.stdout == Self.notLoggedIn + "\n")
        #expect(r.status == 1)
    }

    @Test func statusJSONPrintsBothReplies() throws {
        let daemon = try FakeDaemon { line in
            line.contains("stereo_recording") ? #"{"data":{"stereo":1}}"# : #"{"data":{"mono":1}}"#
        }
        let r = try tapedeck(["status", "1000", "--json"], daemon)
        #expect(daemon.received == [#"{"function":"recording","agent_user":"1000","value":"STATUS"}"#,
                                    #"{"function":"stereo_recording","agent_user":"1000","value":"STATUS"}"#])
        #expect(r.stdout == "{\"data\":{\"mono\":1}}\n{\"data\":{\"stereo\":1}}\n")
        #expect(r.status == 0)
    }

    @Test func stereoSubcommands() throws {
        let begin = "SUCCESS: stereo_recording function sent - 1000|BEGIN_X||||10.0.0.5|8600051|PAUSED"
        let running = "ERROR: begin stereo_recording error - 1000|43||||10.0.0.5|8600051|PAUSED"
        let end = "SUCCESS: stereo_recording function sent - 1000|END||||10.0.0.5|8600051|PAUSED"
        let daemon = try FakeDaemon { line in
            switch line {
            case _ where line.hasSuffix("value=BEGIN&stage=_X&format=wav"): begin
            case _ where line.hasSuffix("value=BEGIN"): running
            case _ where line.hasSuffix("value=END"): end
            default: Self.notStereo
            }
        }
        let r1 = try tapedeck(["stereo", "begin", "1000", "--stage", "_X", "--format", "wav"], daemon)
        #expect(r1.stdout == begin + "\n  stereo recording begun for agent 1000 (stage _X)\n")
        #expect(r1.status == 0)
        let r2 = try tapedeck(["stereo", "begin", "1000"], daemon)
        #expect(r2.stdout == running + "\n  stereo recording #43 is already active\n")
        #expect(r2.status == 1)
        let r3 = try tapedeck(["stereo", "end", "1000"], daemon)
        #expect(r3.stdout == end + "\n  stereo recording ended for agent 1000\n")
        #expect(r3.status == 0)
        let r4 = try tapedeck(["stereo", "status", "1000"], daemon)
        #expect(r4.stdout == Self.notStereo + "\n  no stereo recording active (session 8600051, status PAUSED)\n")
        #expect(r4.status == 0)
        #expect(daemon.received == [
            "function=stereo_recording&agent_user=1000&value=BEGIN&stage=_X&format=wav",
            "function=stereo_recording&agent_user=1000&value=BEGIN",
            "function=stereo_recording&agent_user=1000&value=END",
            "function=stereo_recording&agent_user=1000&value=STATUS",
        ])
    }

    @Test func logout() throws {
        let reply = "SUCCESS: logout function sent - 1000|st1|8600051|10.0.0.5|PAUSED"
        let daemon = try FakeDaemon(replying: reply)
        let r = try tapedeck(["logout", "1000"], daemon)
        #expect(daemon.received == ["function=logout&agent_user=1000"])
        #expect(r.stdout == reply + "\n  agent 1000 logged out from station st1 (session 8600051)\n")
        #expect(r.status == 0)
    }

    // MARK: send

    @Test func sendPassesLinesAsTheyAreAndPrintsRawReplies() throws {
        let daemon = try FakeDaemon { line in
            line.hasPrefix("{") ? #"{"error":{"code":"unknown_function","message":"unknown function: dial"}}"#
                                : "SUCCESS: agent_status function sent - 1000|READY||||10.0.0.5|8600051|READY"
        }
        let r = try tapedeck(["send", "function=agent_status&agent_user=1000&value=READY&x=%2F+y",
                              #"{"function":"dial"}"#], daemon)
        #expect(daemon.received == ["function=agent_status&agent_user=1000&value=READY&x=%2F+y", #"{"function":"dial"}"#])
        #expect(r.stdout == """
            SUCCESS: agent_status function sent - 1000|READY||||10.0.0.5|8600051|READY
            {"error":{"code":"unknown_function","message":"unknown function: dial"}}

            """)
        #expect(r.status == 1)
    }

    @Test func sendPrintsAMultiLineLookupResultThenTheNextReply() throws {
        let daemon = try FakeDaemon { line in
            line.hasPrefix("function=recording_lookup")
                ? "2026-11-21 10:10:10|1000|42||/var/spool/tapedeck/a.wav\n2026-11-21 10:00:00|1000|41||/var/spool/tapedeck/b.wav\n\n"
                : Self.notLoggedIn
        }
        let r = try tapedeck(["send", "function=recording_lookup&agent_user=1000", "function=logout&agent_user=1000"], daemon)
        #expect(r.stdout == """
            2026-11-21 10:10:10|1000|42||/var/spool/tapedeck/a.wav
            2026-11-21 10:00:00|1000|41||/var/spool/tapedeck/b.wav

            \(Self.notLoggedIn)

            """)
        #expect(r.status == 1)
    }

    // MARK: connection failures

    @Test func missingSocketIsOneLineAndExitTwo() throws {
        let dir = try TestDirectory("client")
        let path = dir.file("absent.sock")
        let r = try runTapedeck(["status", "1000", "--socket", path])
        #expect(r.stderr == "tapedeck: cannot connect to \(path): No such file or directory (is tapedeckd running?)\n")
        #expect(r.stdout == "")
        #expect(r.status == 2)
    }

    @Test func refusedConnectionIsOneLineAndExitTwo() throws {
        let dir = try TestDirectory("client")
        let path = dir.file("stale.sock")
        // A socket file nobody listens on, as a crashed daemon leaves it.
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = unixAddress(path)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        close(fd)
        try #require(bound == 0)
        let r = try runTapedeck(["send", "function=x", "--socket", path])
        #expect(r.stderr == "tapedeck: cannot connect to \(path): Connection refused (is tapedeckd running?)\n")
        #expect(r.status == 2)
    }

    @Test func socketFromTheEnvironmentAndTheOptionWins() throws {
        let daemon = try FakeDaemon(replying: Self.notLoggedIn)
        let r1 = try runTapedeck(["logout", "1000"], environment: ["TAPEDECK_SOCKET": daemon.path])
        #expect(r1.stdout == Self.notLoggedIn + "\n")
        #expect(r1.status == 1)
        let r2 = try runTapedeck(["logout", "1000", "--socket", daemon.path],
                                    environment: ["TAPEDECK_SOCKET": daemon.path + ".absent"])
        #expect(r2.status == 1)
        #expect(daemon.received.count == 2)
    }

    @Test func daemonClosingWithoutAReplyIsExitTwo() throws {
        let daemon = try FakeDaemon { _ in nil }
        let r = try tapedeck(["stop", "1000"], daemon)
        #expect(r.stderr == "tapedeck: \(daemon.path): the daemon closed the connection without a reply\n")
        #expect(r.status == 2)
    }

    // MARK: events

    static let subscribed = "SUCCESS: subscribe function sent - event stream follows"
    static let login = #"{"event":"agent.login","created_at":"2026-11-21T10:10:10+01:00","agent":{"agent_user":"1000","station":"st1","session_id":"8600051","agent_server":"10.0.0.5","agent_status":"PAUSED","logged_in_at":"2026-11-21T10:09:10+01:00"}}"#
    static let started = #"{"event":"recording.started","created_at":"2026-11-21T10:10:11+01:00","recording":{"id":42,"agent_user":"1000","session_id":"8600051","station":"st1","function":"recording","kind":"mono","status":"started","format":"wav","filename":"20261121-101010__1000","file_path":"/var/spool/tapedeck/20261121-101010__1000.wav","storage_type":"local","duration_seconds":null,"size_bytes":null,"stage":"_MIDCALL"}}"#
    static let completed = #"{"event":"recording.completed","created_at":"2026-11-21T10:10:23+01:00","recording":{"id":42,"agent_user":"1000","session_id":"8600051","station":"st1","function":"recording","kind":"mono","status":"completed","format":"wav","filename":"20261121-101010__1000","file_path":"/var/spool/tapedeck/20261121-101010__1000.wav","storage_type":"local","duration_seconds":12.3,"size_bytes":100044,"stage":null}}"#
    static let failed = #"{"event":"recording.failed","created_at":"2026-11-21T10:10:24+01:00","reason":"disk full","recording":{"id":43,"agent_user":"1000","format":"mp3","filename":"x\u00e9"}}"#
    static let logout = #"{"event":"agent.logout","created_at":"2026-11-21T10:11:00+01:00","agent":{"agent_user":"1000","station":"st1","session_id":"8600051","agent_server":"10.0.0.5","agent_status":"READY"}}"#
    static let cutOff = #"{"event":"subscription.cut_off","created_at":"2026-11-21T10:12:00+01:00","reason":"subscriber too slow","queue_limit":1000}"#

    @Test func eventsArePrintedReadablyAsTheyArriveUntilTheDaemonCloses() throws {
        let gate = DispatchSemaphore(value: 0)
        let daemon = try FakeDaemon(handler: { line, peer in
            #expect(line == "function=subscribe")
            peer.write(Self.subscribed)
            peer.write(Self.login)
            gate.wait()    // the test sees the first event printed before the rest is sent
            for event in [Self.started, Self.completed, Self.failed, Self.logout, "not json", Self.cutOff] {
                peer.write(event)
            }
            peer.close()
        })
        let process = try Subprocess.launch(Binaries.tapedeck, ["events", "--socket", daemon.path])
        let first = "10:10:10 agent.login 1000 station st1 session 8600051 PAUSED"
        let seen = waitUntil { process.stdoutSoFar.contains(first) }
        gate.signal()
        #expect(seen, "first event not printed on its own: \(process.stdoutSoFar)")
        let r = bounded(process)
        #expect(r.stdout == """
            \(Self.subscribed)
            \(first)
            10:10:11 recording.started 1000 #42 20261121-101010__1000.wav mono stage _MIDCALL
            10:10:23 recording.completed 1000 #42 20261121-101010__1000.wav 12.3 s 98 KB
            10:10:24 recording.failed 1000 #43 xé.mp3: disk full
            10:11:00 agent.logout 1000 station st1 session 8600051
            not json
            10:12:00 subscription.cut_off: subscriber too slow (queue limit 1000)

            """)
        #expect(r.stderr == "")
        #expect(r.status == 0)
    }

    @Test func eventsJSONPrintsTheLinesAsTheyCame() throws {
        let daemon = try FakeDaemon(handler: { line, peer in
            #expect(line == #"{"function":"subscribe"}"#)
            for l in [#"{"data":{"subscribed":true}}"#, Self.login, Self.completed] { peer.write(l) }
            peer.close()
        })
        let r = try tapedeck(["events", "--json"], daemon)
        #expect(r.stdout == "{\"data\":{\"subscribed\":true}}\n\(Self.login)\n\(Self.completed)\n")
        #expect(r.status == 0)
    }

    @Test func eventsStopOnCtrlC() throws {
        let daemon = try FakeDaemon(handler: { _, peer in peer.write(Self.subscribed) })
        let process = try Subprocess.launch(Binaries.tapedeck, ["events", "--socket", daemon.path])
        #expect(waitUntil { process.stdoutSoFar.contains(Self.subscribed) })
        process.signal(SIGINT)
        let r = bounded(process)
        #expect(!r.terminatedBySignal)
        #expect(r.status == 0)
    }

    @Test func eventsStopOnCtrlCWhileTheDaemonHasNotAnswered() throws {
        let daemon = try FakeDaemon(handler: { _, _ in })
        let process = try Subprocess.launch(Binaries.tapedeck, ["events", "--socket", daemon.path])
        #expect(waitUntil { daemon.received == ["function=subscribe"] })
        process.signal(SIGINT)
        let r = bounded(process)
        #expect(!r.terminatedBySignal)
        #expect(r.stdout == "")
        #expect(r.status == 0)
    }

    @Test func refusedSubscriptionExitsOne() throws {
        let daemon = try FakeDaemon(replying: "ERROR: function not valid - subscribe")
        let r = try tapedeck(["events"], daemon)
        #expect(r.stdout == "ERROR: function not valid - subscribe\n")
        #expect(r.status == 1)
    }
}

/// The client commands against the real tapedeckd on a virtual station.
@Suite struct ClientDaemonTests {
    @Test func aSampleCallThroughTheCLI() throws {
        let daemon = try DaemonHarness.virtual(stations: 1)
        try daemon.start()
        defer { daemon.stop() }
        let events = try Subprocess.launch(Binaries.tapedeck, ["events", "--socket", daemon.socketPath])
        let subscribed = "SUCCESS: subscribe function sent - event stream follows\n"
        #expect(waitUntil { events.stdoutSoFar == subscribed })
        func run(_ args: [String]) throws -> ProcessResult { try runTapedeck(args + ["--socket", daemon.socketPath]) }
        let tail = "||||10.0.0.5|8600051|PAUSED"

        let login = try run(["login", "1000", "--station", "st1", "--session", "8600051"])
        #expect(login.stdout == "SUCCESS: login function sent - 1000|st1|8600051|10.0.0.5|PAUSED\n  agent 1000 logged in at station st1 (session 8600051, agent server 10.0.0.5, status PAUSED)\n")
        #expect(login.status == 0)
        let start = try run(["start", "1000", "--stage", "_MID CALL"])
        #expect(start.stdout.hasPrefix("SUCCESS: recording function sent - 1000|START_MID_CALL\(tail)\n"))
        #expect(start.status == 0)
        let status = try run(["status", "1000"])
        #expect(status.stdout.hasPrefix("NOTICE: recording active - 1000|1|"))
        #expect(status.stdout.contains("NOTICE: not stereo_recording - 1000|\(tail)\n  no stereo recording active"))
        #expect(status.status == 0)
        let begin = try run(["stereo", "begin", "1000"])
        #expect(begin.stdout.hasPrefix("SUCCESS: stereo_recording function sent - 1000|BEGIN\(tail)\n"))
        let again = try run(["stereo", "begin", "1000", "--json"])
        #expect(again.stdout.hasPrefix(#"{"error":{"code":"stereo_recording_active","#))
        #expect(again.status == 1)
        #expect(try daemon.connect().waitForRecorded(agent: "1000", function: "stereo_recording", seconds: 0.3))
        #expect(try run(["stop", "1000"]).stdout.hasPrefix("SUCCESS: recording function sent - 1000|STOP\(tail)\n"))
        let stopAgain = try run(["stop", "1000"])
        #expect(stopAgain.stdout.hasPrefix("ERROR: stop recording error - 1000|\(tail)\n"))
        #expect(stopAgain.status == 1)
        #expect(try run(["stereo", "end", "1000"]).status == 0)
        #expect(try run(["logout", "1000"]).status == 0)
        #expect(try run(["status", "1000"]).stdout == "ERROR: agent_user is not logged in - 1000\n")

        #expect(waitUntil { events.stdoutSoFar.contains("agent.logout") })
        events.signal(SIGINT)
        let r = bounded(events)
        #expect(r.status == 0)
        let lines = r.stdout.split(separator: "\n").map { $0.split(separator: " ").dropFirst().joined(separator: " ") }
        #expect(lines.count == 7, "\(r.stdout)")
        guard lines.count == 7 else { return }
        #expect(lines[1] == "agent.login 1000 station st1 session 8600051 PAUSED")
        #expect(lines[2].hasPrefix("recording.started 1000 #1 ") && lines[2].hasSuffix("__1000_MID_CALL.wav mono stage _MID_CALL"))
        #expect(lines[3].hasPrefix("recording.started 1000 #2 S_") && lines[3].hasSuffix("stereo"))
        #expect(lines[4].hasPrefix("recording.completed 1000 #1 ") && lines[4].hasSuffix(" KB"))
        #expect(lines[5].hasPrefix("recording.completed 1000 #2 S_"))
        #expect(lines[6] == "agent.logout 1000 station st1 session 8600051")
    }
}

/// Runs `tapedeck`; one still running after 20 s is killed (so a hang fails the test
/// instead of blocking the run).
func runTapedeck(_ args: [String], environment: [String: String] = [:]) throws -> ProcessResult {
    bounded(try Subprocess.launch(Binaries.tapedeck, args, environment: environment))
}

/// Waits for `process`, killing it after 20 s.
func bounded(_ process: RunningProcess) -> ProcessResult {
    let lock = NSLock()
    nonisolated(unsafe) var finished = false
    DispatchQueue.global().asyncAfter(deadline: .now() + 20) {
        lock.withLock { if !finished { process.signal(SIGKILL) } }
    }
    let result = process.wait()
    lock.withLock { finished = true }
    return result
}

func unixAddress(_ path: String) -> sockaddr_un {
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
        let bytes = Array(path.utf8)
        precondition(bytes.count < raw.count, "socket path too long: \(path)")
        raw.copyBytes(from: bytes)
        raw[bytes.count] = 0
    }
    return address
}

/// A stand-in for tapedeckd: listens on `path` (in its own temporary directory), takes
/// connections one after the other, records every request line and passes it to the
/// handler, which answers through the peer.
final class FakeDaemon: @unchecked Sendable {
    final class Peer: @unchecked Sendable {
        let fd: Int32
        var closed = false
        init(fd: Int32) { self.fd = fd }

        /// Writes `line` and a newline (a `line` already ending in one is written as it is).
        func write(_ line: String) {
            let bytes = Array((line.hasSuffix("\n") ? line : line + "\n").utf8)
            var offset = 0
            while offset < bytes.count {
                let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
                if n <= 0 { return }
                offset += n
            }
        }

        func close() { closed = true }
    }

    let directory: TestDirectory
    let path: String
    private let listener: Int32
    private let lock = NSLock()
    private var lines: [String] = []
    private var stopping = false
    private let handler: @Sendable (String, Peer) -> Void

    /// The request lines received so far, in order.
    var received: [String] { lock.withLock { lines } }

    /// Answers every request with `reply`.
    convenience init(replying reply: String) throws {
        try self.init { _ in reply }
    }

    /// Answers each request with what `reply` returns; nil closes the connection instead.
    convenience init(_ reply: @escaping @Sendable (String) -> String?) throws {
        try self.init(handler: { line, peer in
            if let text = reply(line) { peer.write(text) } else { peer.close() }
        })
    }

    init(handler: @escaping @Sendable (String, Peer) -> Void) throws {
        directory = try TestDirectory("client")
        path = directory.file("control.sock")
        self.handler = handler
        // Close-on-exec: a `tapedeck` that another test starts meanwhile must not inherit
        // this socket or its connections (it would keep them open after we close them).
        listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = unixAddress(path)
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard rc == 0, listen(listener, 8) == 0 else {
            Glibc.close(listener)
            throw SocketError(message: "cannot listen on \(path): \(String(cString: strerror(errno)))")
        }
        // The thread holds the daemon only while it serves a connection, so the daemon
        // (and its directory) ends when the test drops it.
        let listenFD = listener
        let thread = Thread { [weak self] in
            while true {
                var pfd = pollfd(fd: listenFD, events: Int16(POLLIN), revents: 0)
                let ready = poll(&pfd, 1, 100)
                guard let daemon = self, !daemon.shouldStop else { return }
                if ready > 0 { daemon.serveOne() }
            }
        }
        thread.start()
    }

    deinit { Glibc.close(listener) }

    /// Stops serving (also done when the daemon goes out of scope).
    func stop() { lock.withLock { stopping = true } }

    private var shouldStop: Bool { lock.withLock { stopping } }

    /// Accepts a connection and serves it until the client or the handler closes it.
    private func serveOne() {
        let fd = accept(listener, nil, nil)
        if fd >= 0 {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            converse(fd)
            // shutdown ends the connection even if a child started meanwhile holds a copy.
            shutdown(fd, Int32(SHUT_RDWR))
            Glibc.close(fd)
        }
    }

    /// Waits up to 100 ms for `fd` to be readable.
    private func wait(for fd: Int32) -> Bool {
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&pfd, 1, 100) > 0
    }

    private func converse(_ fd: Int32) {
        let peer = Peer(fd: fd)
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while !shouldStop && !peer.closed {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                lock.withLock { lines.append(line) }
                handler(line, peer)
                continue
            }
            guard wait(for: fd) else { continue }
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return }
            buffer.append(contentsOf: chunk[..<n])
        }
    }

    struct SocketError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }
}
