import Foundation
import Testing
import TapedeckTestSupport

/// Issue 6: function=metrics and function=health against a real tapedeckd on a virtual
/// device, and `tapedeck metrics` / `tapedeck health`. (A device going down is covered by
/// the unit tests: TapedeckDaemonTests and TapedeckControlTests.)
@Suite struct ObservabilityTests {
    /// Sends function=metrics (text form) and reads the exposition up to its empty line:
    /// samples by `name{labels}`.
    func scrape(_ c: ControlClient) -> [String: Double] {
        c.sendRaw(Array("function=metrics\n".utf8))
        var samples: [String: Double] = [:]
        var lines = 0
        while let line = c.readLine() {
            if line.isEmpty { break }
            lines += 1
            if line.hasPrefix("#") { continue }
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                Issue.record("not a sample line: \(line)")
                continue
            }
            samples[String(line[..<space])] = value
        }
        #expect(lines > 40)
        return samples
    }

    @Test func metricsCountARecording() throws {
        let daemon = try DaemonHarness.virtual()
        try daemon.start()
        let c = try daemon.connect()
        #expect(c.request("function=login&agent_user=1000&station=st1&session_id=8600051")?.hasPrefix("SUCCESS") == true)
        let before = scrape(c)
        #expect(before[#"tapedeck_device_up{device="virt"}"#] == 1)
        #expect(before[#"tapedeck_agents_logged_in"#] == 1)
        #expect(before[#"tapedeck_recordings_started_total{kind="mono"}"#] == 0)

        #expect(c.request("function=recording&agent_user=1000&value=START")?.hasPrefix("SUCCESS") == true)
        usleep(500_000)
        let during = scrape(c)
        #expect(during[#"tapedeck_recordings_active{kind="mono"}"#] == 1)
        let lag = during["tapedeck_writer_lag_seconds"] ?? -1
        #expect(lag >= 0 && lag < 5)
        let fill = during[#"tapedeck_ring_fill_ratio{station="st1"}"#] ?? -1
        #expect(fill >= 0 && fill <= 1)

        #expect(c.request("function=recording&agent_user=1000&value=STOP")?.hasPrefix("SUCCESS") == true)
        let after = scrape(c)
        #expect(after[#"tapedeck_recordings_active{kind="mono"}"#] == 0)
        #expect(after[#"tapedeck_recordings_started_total{kind="mono"}"#] == 1)
        #expect(after[#"tapedeck_recordings_completed_total{kind="mono",cause="stopped"}"#] == 1)
        #expect((after["tapedeck_bytes_written_total"] ?? 0) > 7000)
        let frames = #"tapedeck_device_frames_captured_total{device="virt"}"#
        #expect((after[frames] ?? 0) > (before[frames] ?? .infinity))
        #expect(after[#"tapedeck_device_overruns_total{device="virt"}"#] != nil)
        #expect(after[#"tapedeck_command_duration_seconds_count{function="recording"}"#] == 2)
        #expect(after[#"tapedeck_command_duration_seconds_bucket{function="recording",le="+Inf"}"#] == 2)
        #expect(after[#"tapedeck_command_duration_seconds_count{function="metrics"}"#] == 2)
        #expect(after["tapedeck_event_subscribers"] == 0)

        // The JSON form: the same text in one string.
        let json = c.request(#"{"function":"metrics","source":"test"}"#) ?? ""
        #expect(json.hasPrefix(##"{"data":{"metrics":"# HELP tapedeck_recordings_active "##))
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let text = (object?["data"] as? [String: Any])?["metrics"] as? String ?? ""
        #expect(text.contains("tapedeck_recordings_completed_total{kind=\"mono\",cause=\"stopped\"} 1\n"))
        // The connection is still in step: the next request gets its own reply.
        #expect(c.request("function=logout&agent_user=1000")?.hasPrefix("SUCCESS: logout") == true)
        daemon.stop()
    }

    @Test func healthReply() throws {
        let daemon = try DaemonHarness.virtual()
        try daemon.start()
        let c = try daemon.connect()
        _ = c.request("function=login&agent_user=1000&station=st2&session_id=8600051")
        _ = c.request("function=recording&agent_user=1000&value=START")
        #expect(c.request("function=health") == "OK: tapedeckd healthy - devices 1/1 up|stations 4|recordings 1")
        let json = c.request(#"{"function":"health"}"#) ?? ""
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let data = object?["data"] as? [String: Any] ?? [:]
        #expect(data["status"] as? String == "ok")
        #expect(data["recordings_active"] as? Int == 1)
        #expect((data["uptime_seconds"] as? Double ?? -1) >= 0)
        let devices = data["devices"] as? [[String: Any]] ?? []
        #expect(devices.count == 1)
        #expect(devices.first?["state"] as? String == "up")
        let stations = data["stations"] as? [[String: Any]] ?? []
        #expect(stations.map { $0["name"] as? String } == ["st1", "st2", "st3", "st4"])
        #expect(stations[1]["agent_user"] as? String == "1000")
        #expect(stations[1]["recordings_active"] as? Int == 1)
        _ = c.request("function=recording&agent_user=1000&value=STOP")
        daemon.stop()
    }

    @Test func clientCommands() throws {
        let daemon = try DaemonHarness.virtual()
        try daemon.start()
        let health = try runTapedeck(["health", "--socket", daemon.socketPath])
        #expect(health.status == 0)
        #expect(health.stdout == "OK: tapedeckd healthy - devices 1/1 up|stations 4|recordings 0\n")
        let healthJSON = try runTapedeck(["health", "--json", "--socket", daemon.socketPath])
        #expect(healthJSON.status == 0)
        #expect(healthJSON.stdout.hasPrefix(#"{"data":{"status":"ok","devices":["#))

        let metrics = try runTapedeck(["metrics", "--socket", daemon.socketPath])
        #expect(metrics.status == 0)
        #expect(metrics.stdout.hasPrefix("# HELP tapedeck_recordings_active "))
        #expect(metrics.stdout.contains("\ntapedeck_device_up{device=\"virt\"} 1\n"))
        #expect(metrics.stdout.hasSuffix("\n") && !metrics.stdout.hasSuffix("\n\n"))

        // `send` reads the multi-line metrics reply to its end and the health line alone.
        let send = try runTapedeck(["send", "--socket", daemon.socketPath, "function=metrics", "function=health"])
        #expect(send.status == 0)
        #expect(send.stdout.hasSuffix("tapedeck_agents_logged_in 0\n\nOK: tapedeckd healthy - devices 1/1 up|stations 4|recordings 0\n"))
        daemon.stop()

        // Unreachable: CRITICAL, exit 2 (the Nagios convention).
        let down = try runTapedeck(["health", "--socket", daemon.socketPath])
        #expect(down.status == 2)
        #expect(down.stdout.hasPrefix("CRITICAL: tapedeckd unreachable - cannot connect to \(daemon.socketPath)"))
    }
}
