import Foundation
import Testing
import TapedeckTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Issue 6: SIGHUP reloads the configuration while recordings run. Virtual devices: the
/// agent leg talks 0.1–1.1 s of every 2.4 s turn, so onsets 19,200 frames apart (8 kHz)
/// show that a recording's audio went on without a gap or a jump.
@Suite struct ReloadTests {
    static func stations(_ list: [(String, String, Int)]) -> String {
        list.map { "[[station]]\nname = \"\($0.0)\"\ndevice = \"\($0.1)\"\nagent_channel = \($0.2)\ncustomer_channel = \($0.2 + 1)\n" }
            .joined()
    }

    static func device(_ name: String, channels: Int = 8) -> String {
        "[[device]]\nname = \"\(name)\"\npcm = \"virtual\"\nchannels = \(channels)\n"
    }

    /// Rewrites the configuration file (same folder, socket and database) and sends SIGHUP;
    /// waits for the daemon's log line that answers it.
    func reload(_ daemon: DaemonHarness, devices: String, stations: String, recording: String = "",
                expect line: String) throws -> String {
        let before = daemon.process?.stderrSoFar.components(separatedBy: line).count ?? 0
        _ = try DaemonHarness(dir: daemon.dir, devices: devices, stations: stations, recording: recording)
        daemon.process?.signal(SIGHUP)
        for _ in 0..<500 {
            let log = daemon.process?.stderrSoFar ?? ""
            if log.components(separatedBy: line).count > before {
                return log.split(separator: "\n").last { $0.contains(line) }.map(String.init) ?? ""
            }
            usleep(10_000)
        }
        Issue.record("no \"\(line)\" line after SIGHUP: \(daemon.process?.stderrSoFar ?? "")")
        return ""
    }

    func json(_ line: String?) -> [String: Any] {
        (line.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }) ?? [:]
    }

    func errorCode(_ line: String?) -> String? { (json(line)["error"] as? [String: Any])?["code"] as? String }

    func recording(_ line: String?) -> [String: Any] {
        ((json(line)["data"] as? [String: Any])?["recording"] as? [String: Any])
            ?? (((json(line)["data"] as? [String: Any])?["recordings"] as? [[String: Any]])?.first ?? [:])
    }

    /// Agent-leg talk onsets (first loud frame after 0.1 s of silence), in frames.
    func onsets(_ samples: [Int16]) -> [Int] {
        var out: [Int] = []
        var quiet = 0
        for (i, s) in samples.enumerated() {
            if abs(Int(s)) < 50 { quiet += 1; continue }
            if quiet >= 800 { out.append(i) }
            quiet = 0
        }
        return out
    }

    /// The recording's agent leg (stereo left) runs on without a gap: every onset 2.4 s
    /// after the one before, and the file as long as the time it ran.
    /// `wall` is the recording's possible length: from its BEGIN's answer to its END's
    /// sending at the least, from BEGIN sent to END answered at the most.
    func expectContinuous(_ path: String, wall: ClosedRange<Double>) throws {
        let wav = try WAVContents(path: path)
        #expect(wav.channels == 2 && wav.sampleRate == 8000)
        #expect(wav.durationSeconds >= wall.lowerBound - 0.1 && wav.durationSeconds <= wall.upperBound + 0.1,
                "\(wav.durationSeconds) s recorded over \(wall) s")
        let on = onsets(wav.channel(0))
        #expect(on.count >= 2, "onsets \(on)")
        for (a, b) in zip(on, on.dropFirst()) {
            #expect(abs(b - a - 19_200) <= 2, "agent onsets \(a) and \(b): a gap or a jump in the audio")
        }
    }

    /// A daemon on one 8-channel virtual device with st1 (agent 1000) and st2 (agent 2000).
    func startTwoStations() throws -> (DaemonHarness, ControlClient) {
        let daemon = try DaemonHarness(dir: try TestDirectory("reload"), devices: Self.device("virt"),
                                       stations: Self.stations([("st1", "virt", 0), ("st2", "virt", 2)]))
        try daemon.start()
        let c = try daemon.connect()
        #expect(c.request("function=login&agent_user=1000&station=st1&session_id=8600051")?.hasPrefix("SUCCESS") == true)
        #expect(c.request("function=login&agent_user=2000&station=st2&session_id=8600052")?.hasPrefix("SUCCESS") == true)
        return (daemon, c)
    }

    @Test func stationsComeAndGoWhileOthersRecord() throws {
        let (daemon, c) = try startTwoStations()
        let beginSent = Date()
        let first = recording(c.request(#"{"function":"stereo_recording","agent_user":"1000","value":"BEGIN"}"#))
        let began = Date()
        #expect(first["format"] as? String == "wav")
        #expect(c.waitForRecorded(agent: "1000", function: "stereo_recording", seconds: 1.5))

        // st2 removed (its agent idle), st3 added on the same device, a second device with
        // st4, MP3 and another template for recordings from now on.
        let line = try reload(daemon, devices: Self.device("virt") + Self.device("virt2", channels: 2),
                              stations: Self.stations([("st1", "virt", 0), ("st3", "virt", 4), ("st4", "virt2", 0)]),
                              recording: "format = \"mp3\"\ntemplate = \"RELOADED_AGENT\"",
                              expect: "configuration reloaded")
        #expect(line.contains("stations_added=st3,st4") && line.contains("stations_removed=st2")
                && line.contains("devices_added=virt2"), "\(line)")
        #expect(!line.contains("waiting_for_recordings"), "\(line)")

        #expect(errorCode(c.request(#"{"function":"login","agent_user":"3000","station":"st2","session_id":"8600053"}"#)) == "unknown_station")
        let refused = c.request(#"{"function":"recording","agent_user":"2000","value":"START"}"#)
        #expect(errorCode(refused) == "station_unavailable" && refused?.contains("not in the configuration") == true, "\(refused ?? "")")
        // When each START was sent and answered: a recording's duration lies between the time
        // from its START's answer to its STOP's sending and the time from START sent to STOP answered.
        var startSent: [String: Date] = [:], startAnswered: [String: Date] = [:]
        for (agent, station) in [("3000", "st3"), ("4000", "st4")] {
            #expect(c.request("function=login&agent_user=\(agent)&station=\(station)&session_id=86\(agent)")?.hasPrefix("SUCCESS") == true)
            startSent[agent] = Date()
            let r = recording(c.request(#"{"function":"recording","agent_user":"\#(agent)","value":"START"}"#))
            startAnswered[agent] = Date()
            #expect(r["format"] as? String == "mp3" && (r["filename"] as? String)?.hasPrefix("RELOADED_\(agent)") == true, "\(r)")
        }
        for agent in ["3000", "4000"] { #expect(c.waitForRecorded(agent: agent, seconds: 2.5)) }
        for agent in ["3000", "4000"] {
            let stopSent = Date()
            let done = recording(c.request(#"{"function":"recording","agent_user":"\#(agent)","value":"STOP"}"#))
            let shortest = stopSent.timeIntervalSince(startAnswered[agent]!) - 0.1
            let longest = Date().timeIntervalSince(startSent[agent]!) + 0.1
            let seconds = done["duration_seconds"] as? Double ?? 0
            #expect(seconds > 2.4 && seconds >= shortest && seconds <= longest, "\(agent): \(done), between \(shortest) and \(longest) s")
            let check = try Subprocess.run(Binaries.tapedeck, ["validate", done["file_path"] as? String ?? ""])
            #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        }
        // Long enough for at least two agent onsets (every 2.4 s), however fast the rest went.
        #expect(c.waitForRecorded(agent: "1000", function: "stereo_recording", seconds: 5.2))
        let endSent = Date()
        let ended = recording(c.request(#"{"function":"stereo_recording","agent_user":"1000","value":"END"}"#))
        #expect(ended["format"] as? String == "wav")
        try expectContinuous(ended["file_path"] as? String ?? "",
                             wall: endSent.timeIntervalSince(began)...Date().timeIntervalSince(beginSent))
        #expect(daemon.stop()?.status == 0)
    }

    @Test func aRemovedStationKeepsRecordingUntilItsRecordingEnds() throws {
        let (daemon, c) = try startTwoStations()
        let beginSent = Date()
        _ = recording(c.request(#"{"function":"stereo_recording","agent_user":"1000","value":"BEGIN"}"#))
        let began = Date()
        #expect(c.waitForRecorded(agent: "1000", function: "stereo_recording", seconds: 1.0))
        // st1 goes while it records, and the device's channel count changes: both wait.
        let line = try reload(daemon, devices: Self.device("virt", channels: 4), stations: Self.stations([("st2", "virt", 2)]),
                              expect: "configuration reloaded")
        #expect(line.contains("stations_removed=st1") && line.contains("devices_changed=virt")
                && line.contains("waiting_for_recordings=virt"), "\(line)")
        // st2 is on the changed device: unavailable until the device reopens.
        let waiting = c.request(#"{"function":"recording","agent_user":"2000","value":"START"}"#)
        #expect(errorCode(waiting) == "station_unavailable" && waiting?.contains("reconfigured") == true, "\(waiting ?? "")")
        // Long enough for at least two agent onsets (every 2.4 s), however fast the rest went.
        #expect(c.waitForRecorded(agent: "1000", function: "stereo_recording", seconds: 5.2))
        let endSent = Date()
        let ended = recording(c.request(#"{"function":"stereo_recording","agent_user":"1000","value":"END"}"#))
        try expectContinuous(ended["file_path"] as? String ?? "",
                             wall: endSent.timeIntervalSince(began)...Date().timeIntervalSince(beginSent))
        // With the recording over, the device reopens with four channels and st2 records.
        var started: [String: Any] = [:]
        for _ in 0..<40 where started.isEmpty {
            started = recording(c.request(#"{"function":"recording","agent_user":"2000","value":"START"}"#))
            if started.isEmpty { usleep(100_000) }
        }
        #expect(started["station"] as? String == "st2", "\(started)")
        #expect(c.waitForRecorded(agent: "2000", seconds: 0.4))
        let stopped = recording(c.request(#"{"function":"recording","agent_user":"2000","value":"STOP"}"#))
        #expect((stopped["duration_seconds"] as? Double ?? 0) > 0.3, "\(stopped)")
        #expect(daemon.process?.stderrSoFar.contains("device closed: reopening with its new settings") == true)
        #expect(daemon.stop()?.status == 0)
    }

    @Test func anInvalidConfigurationIsRefusedAndTheOldOneStays() throws {
        let daemon = try DaemonHarness(dir: try TestDirectory("reload"), devices: Self.device("virt"),
                                       stations: Self.stations([("st1", "virt", 0)]))
        try daemon.start()
        let c = try daemon.connect()
        #expect(c.request("function=login&agent_user=1000&station=st1&session_id=8600051")?.hasPrefix("SUCCESS") == true)
        #expect(c.request("function=recording&agent_user=1000&value=START")?.hasPrefix("SUCCESS") == true)
        // A station on a device that does not exist: the whole file is refused.
        let line = try reload(daemon, devices: Self.device("virt"), stations: Self.stations([("st1", "virt", 0), ("st9", "nodevice", 0)]),
                              expect: "reload refused")
        #expect(line.contains("error") && line.contains("nodevice") && line.contains(daemon.configPath), "\(line)")
        #expect(line.hasPrefix("<3>") || line.contains(" error "), "logged at level error: \(line)")
        // Nothing changed: st1 records on, st9 is unknown, the counter says refused.
        #expect(errorCode(c.request(#"{"function":"login","agent_user":"9000","station":"st9","session_id":"8600059"}"#)) == "unknown_station")
        #expect(c.waitForRecorded(agent: "1000", seconds: 0.5))
        let stopped = c.request("function=recording&agent_user=1000&value=STOP") ?? ""
        #expect(stopped.hasPrefix("SUCCESS"), "\(stopped)")
        c.sendRaw(Array("function=metrics\n".utf8))
        var metrics: [String] = []
        while let l = c.readLine(), !l.isEmpty { metrics.append(l) }
        #expect(metrics.contains(#"tapedeck_config_reloads_total{result="refused"} 1"#), "\(metrics.filter { $0.contains("reload") })")
        #expect(metrics.contains(#"tapedeck_config_reloads_total{result="applied"} 0"#))
        #expect(daemon.stop()?.status == 0)
    }
}
