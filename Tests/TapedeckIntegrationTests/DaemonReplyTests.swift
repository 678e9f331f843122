import Foundation
import Testing
import TapedeckTestSupport

/// tapedeckd's replies, byte for byte, on a real daemon with virtual stations.
@Suite struct DaemonReplyTests {
    let tail = "10.0.0.5|8600051|PAUSED"

    func loggedIn(_ daemon: DaemonHarness, agent: String = "1000", station: String = "st1") throws -> ControlClient {
        let c = try daemon.connect()
        #expect(c.request("function=login&agent_user=\(agent)&station=\(station)&session_id=8600051")
                == "SUCCESS: login function sent - \(agent)|\(station)|8600051|10.0.0.5|PAUSED")
        return c
    }

    /// `NOTICE: recording active - 1000|<id>|<filename>|10.0.0.5|<start_time>|…` split into its fields.
    func statusFields(_ line: String?, prefix: String) -> [String] {
        guard let line, line.hasPrefix(prefix) else { Issue.record("unexpected: \(line ?? "nil")"); return [] }
        return line.dropFirst(prefix.count).split(separator: "|", omittingEmptySubsequences: false).map(String.init)
    }

    @Test func recordingRepliesAreVICIdialsWording() throws {
        let daemon = try DaemonHarness.virtual()
        try daemon.start()
        let c = try daemon.connect()
        #expect(c.request("function=recording&agent_user=1000&value=START") == "ERROR: agent_user is not logged in - 1000")
        _ = try loggedIn(daemon)
        #expect(c.request("function=recording&agent_user=1000&value=STATUS") == "NOTICE: not recording - 1000|||||\(tail)")
        #expect(c.request("function=recording&agent_user=1000&value=STOP") == "ERROR: stop recording error - 1000|||||\(tail)")
        #expect(c.request("function=recording&agent_user=1000&value=START&stage=_MIDCALL")
                == "SUCCESS: recording function sent - 1000|START_MIDCALL||||\(tail)")
        let f = statusFields(c.request("function=recording&agent_user=1000&value=STATUS"), prefix: "NOTICE: recording active - ")
        #expect(f.count == 8)
        if f.count == 8 {
            #expect(f[0] == "1000")
            #expect(Int(f[1]) != nil)
            #expect(f[2].range(of: #"^\d{8}-\d{6}__1000_MIDCALL$"#, options: .regularExpression) != nil, "\(f[2])")
            #expect(f[3] == "10.0.0.5")
            #expect(f[4].range(of: #"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$"#, options: .regularExpression) != nil)
            #expect(f[5...].joined(separator: "|") == tail)
        }
        #expect(c.request("function=recording&agent_user=1000&value=STOP") == "SUCCESS: recording function sent - 1000|STOP||||\(tail)")
        #expect(c.request("function=recording&agent_user=1000&value=JUMP") == "ERROR: recording not valid - JUMP|1000")
        daemon.stop()
    }

    @Test func stereoRepliesAndOneAtATime() throws {
        let daemon = try DaemonHarness.virtual()
        try daemon.start()
        let c = try loggedIn(daemon)
        #expect(c.request("function=stereo_recording&agent_user=1000&value=STATUS") == "NOTICE: not stereo_recording - 1000|||||\(tail)")
        #expect(c.request("function=stereo_recording&agent_user=1000&value=END") == "ERROR: stop stereo_recording error - 1000|||||\(tail)")
        #expect(c.request("function=stereo_recording&agent_user=1000&value=BEGIN&stage=X")
                == "SUCCESS: stereo_recording function sent - 1000|BEGINX||||\(tail)")
        let f = statusFields(c.request("function=stereo_recording&agent_user=1000&value=STATUS"),
                             prefix: "NOTICE: stereo_recording active - ")
        let id = f.count > 1 ? f[1] : "?"
        #expect(f.count > 2 && f[2].hasPrefix("S_") && f[2].hasSuffix("__1000X"))
        #expect(c.request("function=stereo_recording&agent_user=1000&value=BEGIN")
                == "ERROR: begin stereo_recording error - 1000|\(id)||||\(tail)")
        // recording STOP does not end the stereo recording, END does not end recording's.
        #expect(c.request("function=recording&agent_user=1000&value=START") == "SUCCESS: recording function sent - 1000|START||||\(tail)")
        #expect(c.request("function=recording&agent_user=1000&value=STOP") == "SUCCESS: recording function sent - 1000|STOP||||\(tail)")
        #expect(c.request("function=stereo_recording&agent_user=1000&value=STATUS")?.hasPrefix("NOTICE: stereo_recording active - 1000|\(id)|") == true)
        #expect(c.request("function=recording&agent_user=1000&value=START") == "SUCCESS: recording function sent - 1000|START||||\(tail)")
        #expect(c.request("function=stereo_recording&agent_user=1000&value=END") == "SUCCESS: stereo_recording function sent - 1000|END||||\(tail)")
        #expect(c.request("function=recording&agent_user=1000&value=STATUS")?.hasPrefix("NOTICE: recording active - 1000|") == true)
        #expect(c.request("function=stereo_recording&agent_user=1000&value=PLAY") == "ERROR: stereo_recording not valid - PLAY|1000")
        daemon.stop()
    }

    @Test func severalStartsThenOneStopEndsThemAll() throws {
        let daemon = try DaemonHarness.virtual()
        try daemon.start()
        let c = try loggedIn(daemon)
        for stage in ["_A", "_B", "_C"] {
            #expect(c.request("function=recording&agent_user=1000&value=START&stage=\(stage)")
                    == "SUCCESS: recording function sent - 1000|START\(stage)||||\(tail)")
        }
        #expect(c.waitForRecorded(agent: "1000", count: 3, seconds: 1.2))
        let json = c.request(#"{"function":"recording","agent_user":"1000","value":"STOP"}"#) ?? ""
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let recordings = (object?["data"] as? [String: Any])?["recordings"] as? [[String: Any]] ?? []
        #expect(recordings.count == 3, "\(json)")
        for r in recordings {
            #expect(r["status"] as? String == "completed")
            let path = r["file_path"] as? String ?? ""
            // The reply comes when the file is final: renamed into place, no .part left.
            #expect(FileManager.default.fileExists(atPath: path))
            #expect(!FileManager.default.fileExists(atPath: path + ".part"))
            let wav = try WAVContents(path: path)
            #expect(wav.channels == 1 && wav.sampleRate == 8000)
            #expect(wav.durationSeconds >= 1.15 && wav.durationSeconds < 2.5, "\(wav.durationSeconds)")
            #expect(abs((r["duration_seconds"] as? Double ?? 0) - wav.durationSeconds) < 0.01)
            #expect(r["size_bytes"] as? Int == (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int))
        }
        #expect(Set(recordings.compactMap { ($0["filename"] as? String)?.suffix(2) }) == ["_A", "_B", "_C"])
        #expect(c.request("function=recording&agent_user=1000&value=STATUS") == "NOTICE: not recording - 1000|||||\(tail)")
        daemon.stop()
    }

    @Test func stageIsSanitisedAndCut() throws {
        let daemon = try DaemonHarness.virtual()
        try daemon.start()
        let c = try loggedIn(daemon)
        // "_MID CALL!/../xyz…": outside A-Z a-z 0-9 _ - becomes _ ("_MID_CALL_____xyz…"), then the first 14 characters.
        #expect(c.request("function=recording&agent_user=1000&value=START&stage=_MID%20CALL!%2F..%2FxyzABCDEF")
                == "SUCCESS: recording function sent - 1000|START_MID_CALL_____||||\(tail)")
        let f = statusFields(c.request("function=recording&agent_user=1000&value=STATUS"), prefix: "NOTICE: recording active - ")
        #expect(f.count > 2 && f[2].hasSuffix("__1000_MID_CALL_____"))
        // The stage is ignored on STOP and STATUS.
        #expect(c.request("function=recording&agent_user=1000&value=STOP&stage=_X") == "SUCCESS: recording function sent - 1000|STOP||||\(tail)")
        daemon.stop()
        let files = try daemon.recordings()
        #expect(files.count == 1 && files[0].hasSuffix("__1000_MID_CALL_____.wav"), "\(files)")
    }

    @Test func namesNeverClash() throws {
        // A template without a date: every recording of the agent wants the same name.
        let daemon = try DaemonHarness.virtual(recording: "template = \"rec_AGENT\"\nstereo_template = \"S_RECID\"")
        try daemon.start()
        let c = try loggedIn(daemon)
        for _ in 0..<3 { _ = c.request("function=recording&agent_user=1000&value=START") }
        _ = c.request("function=stereo_recording&agent_user=1000&value=BEGIN")
        _ = c.request("function=recording&agent_user=1000&value=STOP")
        _ = c.request("function=stereo_recording&agent_user=1000&value=END")
        daemon.stop()
        let files = try daemon.recordings()
        #expect(files.count == 4)
        #expect(files.filter { $0.hasPrefix("rec_1000") }.count == 3, "\(files)")
        #expect(files.contains("rec_1000.wav"))
        #expect(files.contains { $0.range(of: #"^S_\d+\.wav$"#, options: .regularExpression) != nil }, "\(files)")
    }
}
