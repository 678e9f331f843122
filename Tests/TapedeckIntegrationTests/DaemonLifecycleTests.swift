import Foundation
import Testing
import TapedeckTestSupport

@Suite struct DaemonLifecycleTests {
    func startedID(_ c: ControlClient) -> Int {
        let json = c.request(#"{"function":"recording","agent_user":"1000","value":"START"}"#) ?? ""
        let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let recording = (object?["data"] as? [String: Any])?["recording"] as? [String: Any]
        return recording?["id"] as? Int ?? -1
    }

    @Test func recordingIDsContinueAcrossARestart() throws {
        let daemon = try DaemonHarness.virtual()
        try daemon.start()
        var c = try daemon.connect()
        _ = c.request("function=login&agent_user=1000&station=st1&session_id=8600051")
        let first = startedID(c)
        let second = startedID(c)
        #expect(first > 0 && second == first + 1)
        _ = c.request("function=recording&agent_user=1000&value=STOP")
        daemon.stop()
        try daemon.start()
        c = try daemon.connect()
        _ = c.request("function=login&agent_user=1000&station=st1&session_id=8600051")
        #expect(startedID(c) == second + 1)
        daemon.stop()
    }

    @Test func sigtermFinalisesRunningRecordings() throws {
        let daemon = try DaemonHarness.virtual()
        try daemon.start()
        let c = try daemon.connect()
        _ = c.request("function=login&agent_user=1000&station=st1&session_id=8600051")
        _ = c.request("function=recording&agent_user=1000&value=START")
        _ = c.request("function=stereo_recording&agent_user=1000&value=BEGIN")
        #expect(c.waitForRecorded(agent: "1000", seconds: 0.95))
        #expect(c.waitForRecorded(agent: "1000", function: "stereo_recording", seconds: 0.95))
        let result = daemon.stop()
        #expect(result?.status == 0, "\(result?.stderr ?? "")")
        let files = try daemon.recordings()
        #expect(files.count == 2 && files.allSatisfy { $0.hasSuffix(".wav") }, "\(files)")
        for f in files {
            let wav = try WAVContents(path: daemon.spool + "/" + f)
            #expect(wav.durationSeconds >= 0.9)
            #expect(Int(wav.declaredDataSize) == wav.availableDataBytes)
        }
        #expect(!FileManager.default.fileExists(atPath: daemon.socketPath))
    }

    @Test func aBadConfigurationIsOneLineAndNothingStarts() throws {
        let dir = try TestDirectory()
        try "server_ip = \"10.0.0.5\"\nsever_ip = 1\n".write(toFile: dir.file("bad.toml"), atomically: true, encoding: .utf8)
        let r = try Subprocess.run(Binaries.tapedeckd, ["--config", dir.file("bad.toml")])
        #expect(r.status != 0)
        #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        #expect(r.stderr.contains(dir.file("bad.toml")) && r.stderr.contains("sever_ip"))
    }

    @Test func aDeviceThatCannotOpenStopsTheStart() throws {
        let dir = try TestDirectory("tapedeckd")
        let daemon = try DaemonHarness(dir: dir, devices: "[[device]]\nname = \"card\"\npcm = \"nosuchpcm\"\n",
                                       stations: "[[station]]\nname = \"st1\"\ndevice = \"card\"\nagent_channel = 0\ncustomer_channel = 1\n")
        #expect(throws: DaemonHarness.DaemonFailed.self) { try daemon.start() }
        let r = daemon.stop()
        #expect(r?.stderr.contains("nosuchpcm") == true, "\(r?.stderr ?? "")")
        #expect(!FileManager.default.fileExists(atPath: daemon.socketPath))
    }
}

/// sd_notify as systemd would see it, read from a socket of the test's own.
@Suite struct DaemonNotifyTests {
    @Test func readyStatusWatchdogAndStopping() throws {
        let notify = try NotifySocket(.path)
        let daemon = try DaemonHarness.virtual()
        daemon.extraEnvironment = ["NOTIFY_SOCKET": notify.notifySocket, "WATCHDOG_USEC": "1000000"]
        try daemon.start()
        // READY=1 comes once the devices capture and the socket listens: the socket is there.
        let ready = notify.receive(timeout: 5) ?? ""
        #expect(ready == "READY=1\nSTATUS=4 station(s), 0 recording(s) active", "\(ready)")
        #expect(FileManager.default.fileExists(atPath: daemon.socketPath))
        let c = try daemon.connect()
        _ = c.request("function=login&agent_user=1000&station=st1&session_id=8600051")
        _ = c.request("function=recording&agent_user=1000&value=START")
        // At least one watchdog ping (every 0.5 s, once progress is seen) and the new status.
        var seen: [String] = []
        _ = waitUntil(seconds: 10) {
            seen += notify.drain()
            return seen.contains("STATUS=1 recording(s) active") && seen.contains("WATCHDOG=1")
        }
        #expect(seen.contains("STATUS=1 recording(s) active"), "\(seen)")
        #expect(seen.contains("WATCHDOG=1"), "\(seen)")
        let result = daemon.stop()
        #expect(result?.status == 0)
        seen = notify.drain()
        #expect(seen.contains("STOPPING=1\nSTATUS=finalising 1 recording(s)"), "\(seen)")
        #expect(seen.last == "STATUS=0 recording(s) active", "\(seen)")
    }
}

/// SIGKILL with recordings running, then a restart: every file is repaired and moved to
/// its final name, every row closed with cause `recovered`.
@Suite struct DaemonRecoveryTests {
    @Test func aKilledDaemonsRecordingsAreRecoveredAtStart() throws {
        let daemon = try DaemonHarness.virtual()
        try daemon.start()
        let c = try daemon.connect()
        _ = c.request("function=login&agent_user=1000&station=st1&session_id=8600051")
        _ = c.request("function=recording&agent_user=1000&value=START&format=wav")
        _ = c.request("function=stereo_recording&agent_user=1000&value=BEGIN&format=mp3")
        #expect(c.waitForRecorded(agent: "1000", seconds: 2.5))
        #expect(c.waitForRecorded(agent: "1000", function: "stereo_recording", seconds: 2.5))
        daemon.process?.signal(SIGKILL)
        _ = daemon.process?.wait()
        let parts = try daemon.recordings()
        #expect(parts.count == 2 && parts.allSatisfy { $0.hasSuffix(".part") }, "\(parts)")

        try daemon.start()
        let files = try daemon.recordings()
        #expect(files.count == 2 && files.allSatisfy { !$0.hasSuffix(".part") }, "\(files)")
        // Every file validates ok, with at least the audio up to the last checkpoint (1.5 s).
        let v = try Subprocess.run(Binaries.tapedeck, ["validate", "--json", daemon.spool])
        #expect(v.status == 0, "\(v.stdout)")
        var rates: [String: Int] = [:]
        for line in v.stdout.split(separator: "\n") {
            let o = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
            #expect(o["verdict"] as? String == "ok", "\(line)")
            #expect((o["duration_seconds"] as? Double ?? 0) >= 1.5, "\(line)")
            rates[o["path"] as? String ?? ""] = o["sample_rate"] as? Int
        }
        let c2 = try daemon.connect()
        let rows = (try? JSONSerialization.jsonObject(with: Data((c2.request(#"{"function":"recording_lookup","agent_user":"1000"}"#) ?? "").utf8))) as? [String: Any]
        let recs = (rows?["data"] as? [String: Any])?["recordings"] as? [[String: Any]] ?? []
        #expect(recs.count == 2)
        #expect(recs.allSatisfy { $0["status"] as? String == "completed" && $0["cause"] as? String == "recovered" }, "\(recs)")
        #expect(recs.allSatisfy { ($0["duration_seconds"] as? Double ?? 0) >= 1.5 && ($0["size_bytes"] as? Int ?? 0) > 0 })
        // The logged duration of the recovered MP3 is what a decoder plays of it (the
        // encoder and decoder delay are not audio), not its frames' length.
        let mp3 = try #require(recs.first { ($0["file_path"] as? String ?? "").hasSuffix(".mp3") }, "\(recs)")
        let path = mp3["file_path"] as? String ?? ""
        let rate = try #require(rates.first { $0.key.hasSuffix("/" + (path.split(separator: "/").last.map(String.init) ?? "")) }?.value, "\(rates)")
        let decoded = try FileCheckRun.decodedSeconds(path, rate: rate)
        let logged = mp3["duration_seconds"] as? Double ?? 0
        #expect(abs(logged - decoded) <= 1.0 / Double(rate) + 1e-6, "log \(logged) s, ffmpeg decodes \(decoded) s")
        daemon.stop()
    }
}

/// SIGKILL while an MP3 recording's last encoded audio waits in its write-behind tail (it
/// reaches the file about once a second): the restarted daemon writes the tail into the
/// file before repairing it, so the file loses no more than the encoder held.
@Suite struct DaemonWriteBehindTests {
    /// The bytes a tail file holds (its head's count field), 0 when unreadable.
    static func held(_ path: String) -> Int {
        guard let d = FileManager.default.contents(atPath: path), d.count >= 24 else { return 0 }
        return d[16..<24].reversed().reduce(0) { $0 << 8 | Int($1) }
    }

    @Test func aKilledDaemonsTailIsWrittenIntoItsFile() throws {
        let daemon = try DaemonHarness.virtual()
        let folder = daemon.dir.path + "/write-behind"
        try daemon.start()
        let c = try daemon.connect()
        _ = c.request("function=login&agent_user=1000&station=st1&session_id=8600052")
        #expect(c.request("function=recording&agent_user=1000&value=START&format=mp3")?.hasPrefix("SUCCESS") == true)
        #expect(c.waitForRecorded(agent: "1000", seconds: 2.5))
        // Half a second or more held (16 kbit/s: 2,000 bytes a second), then the audio the
        // writer has taken, then the kill. (A flush between the two would leave less in the
        // tail, which the recovery must handle too.)
        var tail = ""
        #expect(waitUntil(seconds: 30) {
            tail = (try? FileManager.default.contentsOfDirectory(atPath: folder))?.first { $0.hasPrefix("tail-") } ?? ""
            return !tail.isEmpty && Self.held(folder + "/" + tail) >= 1000
        })
        let taken = c.running(agent: "1000").first?["duration_seconds"] as? Double ?? 0
        daemon.process?.signal(SIGKILL)
        _ = daemon.process?.wait()

        try daemon.start()
        let files = try daemon.recordings()
        #expect(files.count == 1 && !files[0].hasSuffix(".part"), "\(files)")
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? ["?"]).isEmpty)
        let path = daemon.spool + "/" + files[0]
        let v = try Subprocess.run(Binaries.tapedeck, ["validate", path])
        #expect(v.status == 0, "\(v.stdout)")
        // Missing is only what LAME had taken but not put out (up to 2,496 samples, 0.31 s)
        // and the repaired end's last frame: 0.30-0.36 s measured against the frames the
        // writer had handed LAME. Without the tail the half second and more it held would
        // be missing too (0.96 s measured with the recovery taken out).
        let decoded = try FileCheckRun.decodedSeconds(path, rate: 8000)
        #expect(decoded >= taken - 0.45, "decoded \(decoded) s of \(taken) s taken")
        daemon.stop()
    }
}

/// SIGKILL at random moments with many recordings running, then a restart each time:
/// every file validates, every row is closed, nothing is left as `.part`.
@Suite struct DaemonKillTests {
    @Test func killedAtRandomMomentsNothingIsLost() throws {
        let daemon = try DaemonHarness.virtual(stations: 8)
        var generator = SystemRandomNumberGenerator()
        var started = 0
        for round in 0..<3 {
            try daemon.start()
            let c = try daemon.connect()
            for i in 1...8 {
                let agent = 1000 + i
                _ = c.request("function=login&agent_user=\(agent)&station=st\(i)&session_id=\(8600000 + i)")
                let mono = c.request("function=recording&agent_user=\(agent)&value=START&format=\(i % 2 == 0 ? "mp3" : "wav")") ?? ""
                let stereo = c.request("function=stereo_recording&agent_user=\(agent)&value=BEGIN&format=\(i % 2 == 0 ? "wav" : "mp3")") ?? ""
                started += [mono, stereo].filter { $0.hasPrefix("SUCCESS") }.count
            }
            // Round 0 dies at once, later rounds after 0.2–3 s: the random moments are the
            // thing under test, so this is a sleep.
            usleep(round == 0 ? 50_000 : UInt32.random(in: 200_000...3_000_000, using: &generator))
            daemon.process?.signal(SIGKILL)
            _ = daemon.process?.wait()
        }
        try daemon.start()
        let files = try daemon.recordings()
        #expect(!files.contains { $0.hasSuffix(".part") }, "\(files)")
        let v = try Subprocess.run(Binaries.tapedeck, ["validate", daemon.spool])
        #expect(v.status == 0, "\(v.stdout)")
        let c = try daemon.connect()
        var rows: [[String: Any]] = []
        for i in 1...8 {
            let reply = c.request(#"{"function":"recording_lookup","agent_user":"\#(1000 + i)"}"#) ?? ""
            let o = (try? JSONSerialization.jsonObject(with: Data(reply.utf8))) as? [String: Any]
            rows += (o?["data"] as? [String: Any])?["recordings"] as? [[String: Any]] ?? []
        }
        #expect(rows.count == started)
        // Each recording is recovered into a valid file, or — killed before any audio was
        // written — discarded with that reason. None is left open or dropped silently.
        #expect(rows.allSatisfy { $0["cause"] as? String == "recovered" }, "\(rows)")
        let completed = rows.filter { $0["status"] as? String == "completed" }
        let discarded = rows.filter { $0["status"] as? String == "discarded" }
        #expect(completed.count + discarded.count == rows.count, "\(rows.filter { $0["status"] as? String == "failed" })")
        #expect(discarded.allSatisfy { ($0["reason"] as? String)?.contains("no audio") == true })
        #expect(files.count == completed.count, "\(files.count) files for \(completed.count) completed rows")
        #expect(completed.count >= 16, "the later rounds ran long enough to record")
        daemon.stop()
    }
}
