import Foundation
import Testing
import TapedeckTestSupport

/// The JSON form: `{"data":…}` with recording objects, `{"error":{"code":…}}` with the codes.
@Suite struct DaemonJSONTests {
    func object(_ line: String?) -> [String: Any] {
        guard let line, let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            Issue.record("not a JSON object: \(line ?? "nil")")
            return [:]
        }
        return o
    }

    func errorCode(_ line: String?) -> String? {
        (object(line)["error"] as? [String: Any])?["code"] as? String
    }

    @Test func recordingObjectsAndErrorCodes() throws {
        let daemon = try DaemonHarness.virtual()
        try daemon.start()
        let c = try daemon.connect()
        #expect(errorCode(c.request(#"{"function":"login","agent_user":"1000","station":"st9","session_id":"8600051"}"#)) == "unknown_station")
        let login = object(c.request(#"{"function":"login","agent_user":"1000","station":"st1","session_id":"8600051","agent_status":"READY"}"#))
        let agent = (login["data"] as? [String: Any])?["agent"] as? [String: Any] ?? [:]
        #expect(agent["agent_user"] as? String == "1000" && agent["station"] as? String == "st1")
        #expect(agent["agent_status"] as? String == "READY" && agent["agent_server"] as? String == "10.0.0.5")
        #expect(errorCode(c.request(#"{"function":"recording","agent_user":"1000","value":"STOP"}"#)) == "recording_not_started")
        #expect(errorCode(c.request(#"{"function":"stereo_recording","agent_user":"1000","value":"END"}"#)) == "recording_not_started")
        #expect(errorCode(c.request(#"{"function":"recording","agent_user":"1000","value":"FLY"}"#)) == "invalid_action")
        #expect(errorCode(c.request(#"{"function":"recording","value":"START"}"#)) == "invalid_request")

        let started = object(c.request(#"{"function":"recording","agent_user":"1000","value":"START","stage":"_ONE"}"#))
        let rec = (started["data"] as? [String: Any])?["recording"] as? [String: Any] ?? [:]
        for key in ["id", "agent_user", "session_id", "station", "kind", "status", "format", "filename", "file_path",
                    "storage_type", "duration_seconds", "size_bytes", "created_at", "updated_at"] {
            #expect(rec[key] != nil, "recording object lacks \(key)")
        }
        #expect(rec["status"] as? String == "started" && rec["kind"] as? String == "mono")
        #expect(rec["storage_type"] as? String == "local" && rec["format"] as? String == "wav")
        #expect(rec["station"] as? String == "st1" && rec["session_id"] as? String == "8600051")
        #expect((rec["created_at"] as? String)?.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$"#, options: .regularExpression) != nil)
        let path = rec["file_path"] as? String ?? ""
        #expect(path == daemon.spool + "/" + (rec["filename"] as? String ?? "") + ".wav")

        _ = c.request(#"{"function":"stereo_recording","agent_user":"1000","value":"BEGIN"}"#)
        #expect(errorCode(c.request(#"{"function":"stereo_recording","agent_user":"1000","value":"BEGIN"}"#)) == "stereo_recording_active")
        let status = object(c.request(#"{"function":"recording","agent_user":"1000","value":"STATUS"}"#))
        let data = status["data"] as? [String: Any] ?? [:]
        #expect((data["agent"] as? [String: Any])?["agent_user"] as? String == "1000")
        let active = data["recordings"] as? [[String: Any]] ?? []
        #expect(active.count == 1 && active.first?["id"] as? Int == rec["id"] as? Int)
        #expect(c.waitForRecorded(agent: "1000", seconds: 0.6))
        #expect(c.waitForRecorded(agent: "1000", function: "stereo_recording", seconds: 0.6))
        let logout = object(c.request(#"{"function":"logout","agent_user":"1000"}"#))
        let ended = (logout["data"] as? [String: Any])?["recordings"] as? [[String: Any]] ?? []
        #expect(ended.count == 2)
        #expect(ended.allSatisfy { $0["status"] as? String == "completed" && $0["cause"] as? String == "logout" })
        #expect(ended.allSatisfy { ($0["duration_seconds"] as? Double ?? 0) > 0.5 })
        #expect(errorCode(c.request(#"{"function":"recording","agent_user":"1000","value":"STATUS"}"#)) == "agent_not_logged_in")
        daemon.stop()
    }

    /// What the files hold: a stereo recording has the agent's voice left and the
    /// customer's right (virtual station 1: agent 440 Hz, customer 1000 Hz, taking turns);
    /// the log's rows match the files.
    @Test func filesHoldTheStationsLegsAndTheLogHasTheirRows() throws {
        let daemon = try DaemonHarness.virtual()
        try daemon.start()
        let c = try daemon.connect()
        _ = c.request("function=login&agent_user=1000&station=st1&session_id=8600051")
        _ = c.request("function=stereo_recording&agent_user=1000&value=BEGIN")
        _ = c.request("function=recording&agent_user=1000&value=START")
        #expect(c.waitForRecorded(agent: "1000", function: "stereo_recording", seconds: 2.6))
        #expect(c.waitForRecorded(agent: "1000", seconds: 2.6))
        let stereo = object(c.request(#"{"function":"stereo_recording","agent_user":"1000","value":"END"}"#))
        let mono = object(c.request(#"{"function":"recording","agent_user":"1000","value":"STOP"}"#))
        let s = ((stereo["data"] as? [String: Any])?["recordings"] as? [[String: Any]])?.first ?? [:]
        let m = ((mono["data"] as? [String: Any])?["recordings"] as? [[String: Any]])?.first ?? [:]

        let wav = try WAVContents(path: s["file_path"] as? String ?? "")
        #expect(wav.channels == 2)
        #expect(wav.durationSeconds >= 2.5 && wav.durationSeconds < 3.5, "\(wav.durationSeconds)")
        let left = wav.channel(0), right = wav.channel(1)
        // Each leg talks in its own channel; a 2.4 s turn cycle means both talked.
        #expect(ToneAnalysis.rms(left[...]) > 2000 && ToneAnalysis.rms(right[...]) > 2000)
        #expect(ToneAnalysis.dominant(left[...], among: [440, 1000], sampleRate: 8000) .frequency == 440)
        #expect(ToneAnalysis.dominant(right[...], among: [440, 1000], sampleRate: 8000).frequency == 1000)
        #expect(ToneAnalysis.dominant(left[...], among: [440, 1000], sampleRate: 8000).share > 0.99)
        // The mono mix holds both voices.
        let monoWAV = try WAVContents(path: m["file_path"] as? String ?? "")
        let mix = monoWAV.samples[...]
        #expect(ToneAnalysis.power(mix, frequency: 440, sampleRate: 8000) > 1e-4)
        #expect(ToneAnalysis.power(mix, frequency: 1000, sampleRate: 8000) > 1e-4)

        // recording_lookup: both rows, newest first, with VICIdial's text shape.
        let look = try daemon.connect()
        look.sendRaw(Array("function=recording_lookup&agent_user=1000\n".utf8))
        let first = look.readLine() ?? "", second = look.readLine() ?? "", blank = look.readLine()
        #expect(first.hasSuffix("|1000|\(m["id"] as? Int ?? -1)||\(m["file_path"] as? String ?? "")"), "\(first)")
        #expect(second.hasSuffix("|1000|\(s["id"] as? Int ?? -1)||\(s["file_path"] as? String ?? "")"), "\(second)")
        #expect(blank == "")
        let rows = object(look.request(#"{"function":"recording_lookup","recording_id":"\#(s["id"] as? Int ?? -1)"}"#))
        let row = ((rows["data"] as? [String: Any])?["recordings"] as? [[String: Any]])?.first ?? [:]
        #expect(row["status"] as? String == "completed" && row["kind"] as? String == "stereo")
        #expect(row["size_bytes"] as? Int == (try? FileManager.default.attributesOfItem(atPath: s["file_path"] as? String ?? "")[.size] as? Int))
        #expect(look.request("function=recording_lookup&agent_user=9999") == "ERROR: recording_lookup NO RECORDINGS FOUND - 9999||||")
        daemon.stop()
    }
}
