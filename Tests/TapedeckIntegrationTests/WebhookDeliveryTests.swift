import Foundation
import Testing
import TapedeckTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Webhooks against a real HTTP(S) receiver (Python's http.server, which checks every
/// signature with its own hmac): delivery, order per recording, retries through refused
/// connections, 500s and hangs, a SIGKILL with deliveries pending, callback URLs, HTTPS.
@Suite(.serialized) struct WebhookDeliveryTests {
    static let secret = "whsec-0123456789abcdef"

    /// A daemon with one `[[webhook]]` posting every event to `receiver` (fast backoff).
    func daemon(_ receiver: WebhookReceiver, extra: String = "", url: String? = nil) throws -> DaemonHarness {
        let d = try DaemonHarness.virtual(stations: 3)
        let toml = """

        [[webhook]]
        name = "api"
        url = "\(url ?? receiver.url + "/hook")"
        secret = "\(Self.secret)"
        timeout_seconds = 2
        backoff_base_seconds = 0.2
        backoff_cap_seconds = 1
        callback_prefixes = ["\(receiver.url)/cb/"]
        \(extra)
        """
        let handle = try #require(FileHandle(forWritingAtPath: d.configPath))
        handle.seekToEndOfFile()
        handle.write(Data(toml.utf8))
        try handle.close()
        return d
    }

    func record(_ c: ControlClient, agent: String, options: String = "") -> String? {
        let reply = c.request("function=recording&agent_user=\(agent)&value=START\(options)")
        _ = c.request("function=recording&agent_user=\(agent)&value=STOP")
        return reply
    }

    /// Waits (at most 20 s) until the running recording's `.part` file holds `seconds` of
    /// audio past its 44-byte header (mono 16-bit WAV at 8 kHz, the virtual stations'), so
    /// that the recording has that much to pause, stop or recover.
    func waitForAudio(_ d: DaemonHarness, seconds: Double = 0.3) {
        let bytes = 44 + Int(seconds * 8000) * 2
        if !waitUntil(seconds: 20, { d.partFileSizes().values.contains { $0 >= bytes } }) {
            Issue.record("no running recording in \(d.spool) held \(seconds) s of audio within 20 s")
        }
    }

    func webhooks(_ d: DaemonHarness, _ args: [String]) throws -> ProcessResult {
        try Subprocess.run(Binaries.tapedeck, ["webhooks"] + args + ["--database", d.database])
    }

    /// (recording_id, event) in arrival order, for the recording events delivered.
    func recordingEvents(_ requests: [WebhookReceiver.Request]) -> [(Int, String)] {
        requests.filter { $0.event.hasPrefix("recording.") }.map { ($0.recording["recording_id"] as? Int ?? -1, $0.event) }
    }

    /// Every recording's started arrives before its completed.
    func inOrderPerRecording(_ events: [(Int, String)]) -> Bool {
        for (id, name) in events where name == "recording.completed" {
            guard let done = events.firstIndex(where: { $0 == (id, name) }),
                  let started = events.firstIndex(where: { $0 == (id, "recording.started") }), started < done else { return false }
        }
        return true
    }

    @Test func signedEventsCarryTheRecordingAndArriveInOrder() throws {
        let dir = try TestDirectory("receiver")
        let receiver = WebhookReceiver(dir: dir, secret: Self.secret)
        try receiver.start()
        let d = try daemon(receiver)
        try d.start()
        let c = try d.connect()
        #expect(c.request("function=login&agent_user=1000&station=st1&session_id=8600051")?.hasPrefix("SUCCESS") == true)
        #expect(c.request("function=call_start&agent_user=1000&call_id=M1121101010000&lead_id=4242")?.hasPrefix("SUCCESS") == true)
        #expect(c.request("function=recording&agent_user=1000&value=START")?.hasPrefix("SUCCESS") == true)
        waitForAudio(d)
        #expect(c.request("function=recording&agent_user=1000&value=PAUSE")?.hasPrefix("SUCCESS") == true)
        #expect(c.request("function=recording&agent_user=1000&value=RESUME")?.hasPrefix("SUCCESS") == true)
        #expect(c.request("function=recording&agent_user=1000&value=STOP")?.hasPrefix("SUCCESS") == true)
        #expect(c.request("function=logout&agent_user=1000")?.hasPrefix("SUCCESS") == true)

        let got = receiver.waitForDelivered { $0.count >= 6 }
        #expect(got.map(\.event) == ["agent.login", "recording.started", "recording.paused", "recording.resumed",
                                      "recording.completed", "agent.logout"])
        #expect(got.allSatisfy { $0.verified })
        #expect(got.allSatisfy { $0.path == "/hook" && $0.body["id"] as? String == $0.eventID && $0.body["event"] as? String == $0.event })
        #expect(Set(got.map(\.eventID)).count == 6)
        guard got.count == 6 else { return }
        let done = got[4].recording
        let path = try #require(done["file_url"] as? String)
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int
        #expect(done["size_bytes"] as? Int == size)
        #expect(done["storage_type"] as? String == "local")
        #expect(done["filename"] as? String == (path as NSString).lastPathComponent)
        #expect(done["call_id"] as? String == "M1121101010000")
        #expect(done["lead_id"] as? String == "4242")
        #expect(done["agent_user"] as? String == "1000" && done["station"] as? String == "st1")
        #expect(done["status"] as? String == "completed" && done["cause"] as? String == "stopped")
        #expect((done["duration_seconds"] as? Double ?? 0) > 0.25)
        #expect(done.keys.contains("sha256") && done["end_time"] is String)
        #expect(got[1...3].allSatisfy { $0.recording["recording_id"] as? Int == done["recording_id"] as? Int })
        #expect(got[1].recording["size_bytes"] is NSNull)
        #expect(try webhooks(d, ["list"]).stdout == "")
        d.stop()
    }

    @Test func aReceiverDownWhileRecordingsRunGetsEverythingInOrderOnceUp() throws {
        let dir = try TestDirectory("receiver")
        let receiver = WebhookReceiver(dir: dir, secret: Self.secret)
        try receiver.start()
        receiver.stop()  // the port is known; connections are refused
        let downSince = Date()
        let d = try daemon(receiver, extra: #"events = ["recording.*"]"#)
        try d.start()
        let c = try d.connect()
        for (i, agent) in ["1001", "1002", "1003"].enumerated() {
            _ = c.request("function=login&agent_user=\(agent)&station=st\(i + 1)&session_id=860005\(i)")
        }
        for agent in ["1001", "1002", "1003", "1001"] {
            #expect(record(c, agent: agent)?.hasPrefix("SUCCESS") == true)
        }
        // Retried, not lost: each start pending with the connection's error, each
        // completion held back behind its recording's start (never tried yet).
        func columns(_ text: String) -> [[String]] {
            text.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        }
        let deadline = Date().addingTimeInterval(30)
        var rows: [[String]] = []
        while Date() < deadline {
            rows = columns(try webhooks(d, ["list"]).stdout)
            if rows.count == 8, rows.filter({ $0[3] == "recording.started" }).allSatisfy({ Int($0[5]) ?? 0 >= 2 }) { break }
            usleep(50_000)
        }
        #expect(rows.count == 8)
        #expect(rows.allSatisfy { $0.count == 9 && $0[1] == "pending" && $0[2] == "api" })
        let starts = rows.filter { $0.count == 9 && $0[3] == "recording.started" }
        let completions = rows.filter { $0.count == 9 && $0[3] == "recording.completed" }
        #expect(starts.count == 4 && completions.count == 4)
        #expect(starts.allSatisfy { Int($0[5]) ?? 0 >= 2 && $0[7].contains("Couldn't connect to server") })
        #expect(completions.allSatisfy { $0[5] == "0" && $0[7] == "-" })
        let waiting = try Subprocess.run(Binaries.tapedeck, ["metrics", "--socket", d.socketPath]).stdout
        #expect(waiting.contains("tapedeck_webhook_queue_depth 8\n"))
        #expect(waiting.contains("tapedeck_webhook_deliveries_total 0\n"))
        let oldest = waiting.split(separator: "\n").first { $0.hasPrefix("tapedeck_webhook_oldest_pending_seconds ") }
        #expect((oldest.flatMap { Double($0.split(separator: " ")[1]) } ?? 0) > 0)
        // The receiver stays down for 30 s in all (the outage being tested); the worker
        // goes on retrying every start, and nothing goes dead within the horizon.
        while Date().timeIntervalSince(downSince) < 30 { usleep(200_000) }
        let retried = columns(try webhooks(d, ["list"]).stdout)
        #expect(retried.count == 8 && retried.allSatisfy { $0.count == 9 && $0[1] == "pending" }, "\(retried)")
        #expect(retried.filter { $0.count == 9 && $0[3] == "recording.started" }.allSatisfy { Int($0[5]) ?? 0 >= 5 }, "\(retried)")
        try receiver.start()
        let got = receiver.waitForDelivered { $0.count >= 8 }
        let events = recordingEvents(got)
        #expect(events.count == 8)
        #expect(Set(events.map(\.0)).count == 4)
        #expect(inOrderPerRecording(events))
        #expect(got.allSatisfy { $0.verified })
        let metrics = try Subprocess.run(Binaries.tapedeck, ["metrics", "--socket", d.socketPath]).stdout
        #expect(metrics.contains("tapedeck_webhook_deliveries_total 8\n"))
        #expect(metrics.contains("tapedeck_webhook_queue_depth 0\n"))
        #expect(metrics.contains("tapedeck_webhook_failures_total "))
        #expect(!metrics.contains("tapedeck_webhook_failures_total 0\n"))
        d.stop()
    }

    @Test func fiveHundredsAndHangsAreRetriedUntilAccepted() throws {
        let dir = try TestDirectory("receiver")
        let receiver = WebhookReceiver(dir: dir, secret: Self.secret)
        try receiver.start(answers: ["500", "hang", "503"])
        let d = try daemon(receiver, extra: #"events = ["recording.started"]"#)
        try d.start()
        let c = try d.connect()
        _ = c.request("function=login&agent_user=1000&station=st1&session_id=8600051")
        #expect(record(c, agent: "1000")?.hasPrefix("SUCCESS") == true)
        let got = receiver.waitForDelivered { !$0.isEmpty }
        #expect(got.count == 1)
        let all = receiver.received()
        #expect(all.map(\.status) == [500, 0, 503, 200])
        #expect(Set(all.map(\.eventID)).count == 1)
        #expect(all.allSatisfy { $0.verified })
        d.stop()
    }

    @Test func aHangingEndpointDelaysNoOtherEndpointNorRecording() throws {
        let dir = try TestDirectory("receiver")
        let receiver = WebhookReceiver(dir: dir, secret: Self.secret)
        try receiver.start()
        let slowDir = try TestDirectory("receiver")
        let slow = WebhookReceiver(dir: slowDir, secret: Self.secret)
        try slow.start(answers: Array(repeating: "hang", count: 100))
        let d = try daemon(receiver, extra: """
            events = ["recording.*"]

            [[webhook]]
            name = "slow"
            url = "\(slow.url)/hook"
            secret = "\(Self.secret)"
            timeout_seconds = 60
            """)
        try d.start()
        let c = try d.connect()
        _ = c.request("function=login&agent_user=1000&station=st1&session_id=8600051")
        for _ in 0..<3 { #expect(record(c, agent: "1000")?.hasPrefix("SUCCESS") == true) }
        let got = receiver.waitForDelivered { $0.count >= 6 }
        #expect(recordingEvents(got).count == 6)
        // The slow endpoint is still inside its first request (60 s timeout).
        #expect(slow.received().count == 1)
        let stopped = Date()
        d.stop()
        #expect(Date().timeIntervalSince(stopped) < 30)  // shutdown does not wait out the hanging request
    }

    @Test func aFailingEndpointIsKeptDeadPastItsHorizonAndRedelivered() throws {
        let dir = try TestDirectory("receiver")
        let receiver = WebhookReceiver(dir: dir, secret: Self.secret)
        try receiver.start(answers: Array(repeating: "404", count: 1000))
        let d = try daemon(receiver, extra: "events = [\"recording.started\"]\nhorizon_seconds = 1")
        try d.start()
        let c = try d.connect()
        _ = c.request("function=login&agent_user=1000&station=st1&session_id=8600051")
        #expect(record(c, agent: "1000")?.hasPrefix("SUCCESS") == true)
        let deadline = Date().addingTimeInterval(30)
        var listed = ""
        while Date() < deadline, !listed.contains("\tdead\t") {
            listed = try webhooks(d, ["list"]).stdout
            usleep(50_000)
        }
        let fields = listed.split(separator: "\n").first.map { $0.split(separator: "\t", omittingEmptySubsequences: false) } ?? []
        #expect(fields.count == 9)
        guard fields.count == 9 else { return }
        #expect(fields[1] == "dead" && fields[3] == "recording.started" && fields[7] == "HTTP 404")
        receiver.stop()
        try receiver.start()
        let redeliver = try webhooks(d, ["redeliver", String(fields[0])])
        #expect(redeliver.stdout == "1 made pending\n")
        let got = receiver.waitForDelivered { !$0.isEmpty }
        #expect(got.map(\.eventID) == [String(fields[4])])
        #expect(try webhooks(d, ["redeliver", "999"]).status == 1)
        d.stop()
    }

    @Test func sigkillWithDeliveriesPendingLosesNothing() throws {
        let dir = try TestDirectory("receiver")
        let receiver = WebhookReceiver(dir: dir, secret: Self.secret)
        try receiver.start()
        receiver.stop()
        let d = try daemon(receiver, extra: #"events = ["recording.*"]"#)
        try d.start()
        let c = try d.connect()
        _ = c.request("function=login&agent_user=1000&station=st1&session_id=8600051")
        _ = c.request("function=login&agent_user=1001&station=st2&session_id=8600052")
        #expect(record(c, agent: "1000")?.hasPrefix("SUCCESS") == true)
        #expect(record(c, agent: "1001")?.hasPrefix("SUCCESS") == true)
        #expect(c.request("function=recording&agent_user=1000&value=START")?.hasPrefix("SUCCESS") == true)
        waitForAudio(d)
        d.process?.signal(SIGKILL)
        _ = d.process?.wait()
        try receiver.start()
        try d.start()  // recovery closes the running recording: its completed event too
        let got = receiver.waitForDelivered { recordingEvents($0).count >= 6 }
        let events = recordingEvents(got)
        #expect(Set(events.map { "\($0.0) \($0.1)" }) == Set((1...3).flatMap { ["\($0) recording.started", "\($0) recording.completed"] }))
        #expect(inOrderPerRecording(events))
        #expect(got.first { $0.recording["recording_id"] as? Int == 3 && $0.event == "recording.completed" }?.recording["cause"] as? String
                == "recovered")
        #expect(got.allSatisfy { $0.verified })
        d.stop()
    }

    @Test func aRecordingsOwnCallbackURLMustBeUnderAnAllowedPrefix() throws {
        let dir = try TestDirectory("receiver")
        let receiver = WebhookReceiver(dir: dir, secret: Self.secret)
        try receiver.start()
        let d = try daemon(receiver, extra: #"events = ["agent.*"]"#)
        try d.start()
        let c = try d.connect()
        _ = c.request("function=login&agent_user=1000&station=st1&session_id=8600051")
        let refused = c.request("function=recording&agent_user=1000&value=START&event_url=http://198.51.100.7/steal")
        #expect(refused == "ERROR: recording not valid - event_url is not under a callback prefix the configuration allows|1000")
        #expect(c.request("function=recording&agent_user=1000&value=STATUS")?.contains("started") != true)
        let url = receiver.url + "/cb/rec-77"
        #expect(record(c, agent: "1000", options: "&event_url=\(url)")?.hasPrefix("SUCCESS") == true)
        let got = receiver.waitForDelivered { $0.filter { $0.path == "/cb/rec-77" }.count >= 2 }
        #expect(got.filter { $0.path == "/cb/rec-77" }.map(\.event) == ["recording.started", "recording.completed"])
        #expect(got.filter { $0.path == "/hook" }.map(\.event) == ["agent.login"])
        #expect(got.allSatisfy { $0.verified })
        d.stop()
    }

    @Test func sighupAddsAnEndpoint() throws {
        let dir = try TestDirectory("receiver")
        let receiver = WebhookReceiver(dir: dir, secret: Self.secret)
        try receiver.start()
        let d = try DaemonHarness.virtual(stations: 1)
        let plain = try String(contentsOfFile: d.configPath, encoding: .utf8)
        try d.start()
        let c = try d.connect()
        _ = c.request("function=login&agent_user=1000&station=st1&session_id=8600051")
        _ = c.request("function=logout&agent_user=1000")
        try (plain + "\n[[webhook]]\nname = \"api\"\nurl = \"\(receiver.url)/hook\"\nsecret = \"\(Self.secret)\"\n")
            .write(toFile: d.configPath, atomically: true, encoding: .utf8)
        d.process?.signal(SIGHUP)
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, !(d.process?.stderrSoFar ?? "").contains("configuration reloaded") { usleep(20_000) }
        _ = c.request("function=login&agent_user=1001&station=st1&session_id=8600052")
        let got = receiver.waitForDelivered { !$0.isEmpty }
        #expect(got.map { $0.body["agent"].flatMap { ($0 as? [String: Any])?["agent_user"] as? String } } == ["1001"])
        #expect(got.map(\.event) == ["agent.login"])
        d.stop()
    }

    @Test func aCAFileTheDaemonCannotReadIsAnErrorAtStartNotAtTheFirstDelivery() throws {
        let dir = try TestDirectory("receiver")
        let receiver = WebhookReceiver(dir: dir, secret: Self.secret)
        try receiver.start()
        let missing = dir.file("no-such-ca.pem")
        let d = try daemon(receiver, extra: "ca_file = \"\(missing)\"")
        try d.start()
        // The daemon runs, the endpoint too: only its deliveries cannot work.
        #expect(try d.connect().request("function=login&agent_user=1000&station=st1&session_id=8600051")?.hasPrefix("SUCCESS") == true)
        let log = d.stop()?.stderr ?? ""
        let line = log.split(separator: "\n").first { $0.contains("webhook CA file unreadable") }.map(String.init) ?? ""
        #expect(line.contains("error tapedeckd: webhook CA file unreadable: deliveries to this endpoint will fail "), "\(log)")
        for field in ["endpoint=api", "ca_file=\(missing)", "error=\"No such file or directory\""] {
            #expect(line.contains(field), "\(field) not in: \(line)")
        }
    }

    @Test func httpsWithATestCAGivenInTheConfiguration() throws {
        let dir = try TestDirectory("receiver")
        let certs = try TestCertificates(dir: dir)
        let receiver = WebhookReceiver(dir: dir, secret: Self.secret, tls: (certs.cert, certs.key))
        try receiver.start()
        // Without the CA the certificate is not trusted: retried, with curl's TLS error kept.
        let untrusted = try daemon(receiver, extra: #"events = ["agent.login"]"#)
        try untrusted.start()
        _ = try untrusted.connect().request("function=login&agent_user=1000&station=st1&session_id=8600051")
        let deadline = Date().addingTimeInterval(30)
        var listed = ""
        while Date() < deadline, !listed.lowercased().contains("certificate") {
            listed = try webhooks(untrusted, ["list"]).stdout
            usleep(50_000)
        }
        #expect(listed.lowercased().contains("certificate"))
        #expect(receiver.received().filter { $0.status == 200 }.isEmpty)
        untrusted.stop()

        let trusted = try daemon(receiver, extra: "events = [\"agent.login\"]\nca_file = \"\(certs.caFile)\"")
        try trusted.start()
        _ = try trusted.connect().request("function=login&agent_user=1000&station=st1&session_id=8600051")
        let got = receiver.waitForDelivered { !$0.isEmpty }
        #expect(got.map(\.event) == ["agent.login"])
        #expect(got.allSatisfy { $0.verified })
        trusted.stop()
    }
}
