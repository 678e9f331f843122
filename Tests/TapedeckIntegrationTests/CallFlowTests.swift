import Foundation
import Testing
import TapedeckTestSupport

/// Issue 4 on a real daemon reading a PulseAudio null sink: stop conditions, pause and
/// mask, pre-roll, split legs, minimum duration, measured in the files' audio.
extension PulseAudioTests {
    @Suite(.serialized) struct CallFlowTests {
        /// A daemon on one PulseAudio station playing `left` (agent) and `right` (customer),
        /// each a list of sox synth effects, e.g. ["synth 2 sine 440"].
        struct Rig {
            let daemon: DaemonHarness
            let client: ControlClient
            let player: RunningProcess
        }

        static func piece(_ dir: TestDirectory, _ name: String, _ parts: [String]) throws -> String {
            var files: [String] = []
            for (i, p) in parts.enumerated() {
                let f = dir.file("\(name)-\(i).wav")
                let r = try Subprocess.run("sox", ["-R", "-n", "-r", "8000", "-c", "1", "-b", "16", f] + p.split(separator: " ").map(String.init))
                #expect(r.status == 0, "sox \(p): \(r.stderr)")
                files.append(f)
            }
            let out = dir.file("\(name).wav")
            if files.count == 1 { try FileManager.default.copyItem(atPath: files[0], toPath: out) }
            else { _ = try Subprocess.run("sox", files + [out]) }
            return out
        }

        static func rig(left: [String], right: [String], recording: String = "") throws -> Rig {
            let pulse = try PulseServer.start()
            let dir = try TestDirectory("tapedeckd")
            let sink = "cf" + String(UUID().uuidString.prefix(6)).lowercased()
            try pulse.addNullSink(sink)
            try dir.defineALSA("pcm.station { type pulse; device \"\(sink).monitor\" }")
            let l = try piece(dir, "left", left), r = try piece(dir, "right", right)
            let stereo = dir.file("signal.wav")
            _ = try Subprocess.run("sox", ["-M", l, r, stereo])
            let daemon = try DaemonHarness(
                dir: dir, devices: "[[device]]\nname = \"pa\"\npcm = \"station\"\n",
                stations: "[[station]]\nname = \"st1\"\ndevice = \"pa\"\nagent_channel = 0\ncustomer_channel = 1\n",
                recording: recording, environment: pulse.environment)
            try daemon.start()
            let c = try daemon.connect()
            #expect(c.request("function=login&agent_user=1000&station=st1&session_id=8600051")?.hasPrefix("SUCCESS") == true)
            // ALSA's pulse plugin delivers its first audio about 1.5 s after the stream opens:
            // the signal plays once the daemon's capture has run for half a second.
            #expect(c.waitForCapture(device: "pa", seconds: 0.5), "the PulseAudio device delivered no audio")
            let player = try pulse.play(stereo, sink: sink)
            return Rig(daemon: daemon, client: c, player: player)
        }

        static func json(_ line: String?) -> [String: Any] {
            guard let line, let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                Issue.record("not JSON: \(line ?? "nil")"); return [:]
            }
            return o
        }

        static func recording(_ reply: [String: Any]) -> [String: Any] {
            let data = reply["data"] as? [String: Any] ?? [:]
            return data["recording"] as? [String: Any] ?? (data["recordings"] as? [[String: Any]])?.first ?? [:]
        }

        /// Waits (at most `seconds`) for a recording.completed event of recording `id`.
        static func completion(_ events: ControlClient, id: Int, seconds: Double = 20) -> [String: Any] {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline, let line = events.readLine() {
                let e = json(line)
                let r = e["recording"] as? [String: Any] ?? [:]
                if ["recording.completed", "recording.failed"].contains(e["event"] as? String ?? ""), r["id"] as? Int == id {
                    return r
                }
            }
            Issue.record("no completion event for recording \(id)")
            return [:]
        }

        func rms(_ s: ArraySlice<Int16>) -> Double { ToneAnalysis.rms(s) }

        @Test func endOnKeyHearsOnlyTheCustomerAndCutsTheTone() throws {
            // Agent: a '#' at 1.5 s (must not count). Customer: speech-like noise, then '#' at 3.5 s.
            let rig = try Self.rig(
                left: ["synth 1.5 sine 440 vol 0.3", "synth 0.12 sine 941 sine 1477 vol 0.5", "synth 6 sine 440 vol 0.3"],
                right: ["synth 3.5 brownnoise tremolo 4 90 vol 0.6", "synth 0.12 sine 941 sine 1477 vol 0.5", "synth 4 brownnoise vol 0.6"])
            defer { rig.player.signal(SIGKILL); _ = rig.player.wait() }
            let events = try rig.daemon.connect()
            _ = events.request("function=subscribe")
            let started = Self.recording(Self.json(rig.client.request(##"{"function":"recording","agent_user":"1000","value":"START","end_on_key":"#"}"##)))
            let id = started["id"] as? Int ?? -1
            let done = Self.completion(events, id: id)
            #expect(done["cause"] as? String == "key", "\(done)")
            let wav = try WAVContents(path: done["file_path"] as? String ?? "")
            // It ran past the agent's key (1.5 s) and ended at the customer's (3.5 s, less start-up).
            #expect(wav.durationSeconds > 2.0 && wav.durationSeconds < 3.6, "\(wav.durationSeconds)")
            // The tone is cut: no DTMF energy in the file's last 100 ms.
            let tail = wav.samples.suffix(800)
            let dtmf = ToneAnalysis.power(tail, frequency: 1477, sampleRate: 8000)
            let total = ToneAnalysis.rms(tail)
            #expect(dtmf < 1e-4, "tone left at the end: power \(dtmf), rms \(total)")
            rig.daemon.stop()
        }

        @Test func endOnSilenceKeepsTheTrailingSilence() throws {
            let rig = try Self.rig(left: ["synth 2 sine 440 vol 0.5", "synth 8 sine 440 vol 0"],
                                   right: ["synth 2 sine 1000 vol 0.5", "synth 8 sine 1000 vol 0"])
            defer { rig.player.signal(SIGKILL); _ = rig.player.wait() }
            let events = try rig.daemon.connect()
            _ = events.request("function=subscribe")
            let started = Self.recording(Self.json(rig.client.request(#"{"function":"recording","agent_user":"1000","value":"START","end_on_silence":"3"}"#)))
            let done = Self.completion(events, id: started["id"] as? Int ?? -1)
            #expect(done["cause"] as? String == "silence", "\(done)")
            let wav = try WAVContents(path: done["file_path"] as? String ?? "")
            // Sound, then 3 s of silence, kept in the file.
            let silentTail = wav.samples.suffix(3 * 8000 - 800)
            #expect(rms(silentTail) < 30)
            #expect(rms(wav.samples.prefix(4000)) > 1000)
            #expect(wav.durationSeconds > 3.5 && wav.durationSeconds < 5.5, "\(wav.durationSeconds)")
            rig.daemon.stop()
        }

        @Test func pauseSilenceMaskAndSkipAreMeasuredInTheAudio() throws {
            let rig = try Self.rig(left: ["synth 30 sine 440 vol 0.5"], right: ["synth 30 sine 1000 vol 0.5"])
            defer { rig.player.signal(SIGKILL); _ = rig.player.wait() }
            let c = rig.client
            _ = c.request("function=recording&agent_user=1000&value=START")
            // Each step comes when the device has captured the audio it is to last (1 s,
            // 1.5 s paused, 1 s, 1 s masked, 1 s), counted from the START: the spans in
            // the files are the device's audio, whatever the wall clock did meanwhile.
            let started = c.framesCaptured(device: "pa")
            func audio(until seconds: Double) {
                #expect(c.waitForCapture(device: "pa", reaching: started + seconds * 8000), "no \(seconds) s of audio")
            }
            _ = c.request("function=stereo_recording&agent_user=1000&value=BEGIN")
            #expect(c.request("function=recording&agent_user=1000&value=RESUME")?.hasPrefix("ERROR: ") == true)
            audio(until: 1.0)
            #expect(c.request("function=recording&agent_user=1000&value=PAUSE")
                    == "SUCCESS: recording function sent - 1000|PAUSE||||10.0.0.5|8600051|PAUSED")
            #expect(c.request("function=stereo_recording&agent_user=1000&value=PAUSE&pause_behavior=skip")
                    == "SUCCESS: stereo_recording function sent - 1000|PAUSE||||10.0.0.5|8600051|PAUSED")
            audio(until: 2.5)
            _ = c.request("function=recording&agent_user=1000&value=RESUME")
            _ = c.request("function=stereo_recording&agent_user=1000&value=RESUME")
            audio(until: 3.5)
            #expect(c.request("function=recording&agent_user=1000&value=MASK")
                    == "SUCCESS: recording function sent - 1000|MASK||||10.0.0.5|8600051|PAUSED")
            audio(until: 4.5)
            _ = c.request("function=recording&agent_user=1000&value=UNMASK")
            audio(until: 5.5)
            let mono = Self.recording(Self.json(c.request(#"{"function":"recording","agent_user":"1000","value":"STOP"}"#)))
            let stereo = Self.recording(Self.json(c.request(#"{"function":"stereo_recording","agent_user":"1000","value":"END"}"#)))
            // Mono, paused with silence then masked: two silent spans, timeline kept.
            let m = try WAVContents(path: mono["file_path"] as? String ?? "")
            let silentBlocks = stride(from: 0, to: m.samples.count - 400, by: 400).filter { rms(m.samples[$0..<($0 + 400)]) < 30 }.count
            let paused = mono["paused_seconds"] as? Double ?? 0, masked = mono["masked_seconds"] as? Double ?? 0
            #expect(abs(paused - 1.5) < 0.3, "paused \(paused)")
            #expect(abs(masked - 1.0) < 0.3, "masked \(masked)")
            // 400-frame blocks are 50 ms: the silent ones add up to the paused and masked time.
            #expect(abs(Double(silentBlocks) * 0.05 - (paused + masked)) < 0.25, "\(silentBlocks) silent blocks")
            #expect(abs(m.durationSeconds - 5.5) < 0.6, "\(m.durationSeconds)")
            // Stereo, paused with skip: the paused time is not in the file, and no gap is silent.
            let s = try WAVContents(path: stereo["file_path"] as? String ?? "")
            #expect(abs(s.durationSeconds - (m.durationSeconds - paused)) < 0.3, "\(s.durationSeconds) vs \(m.durationSeconds)")
            let left = s.channel(0)
            let silentStereo = stride(from: 400, to: left.count - 400, by: 400).filter { rms(left[$0..<($0 + 400)]) < 30 }.count
            #expect(silentStereo <= 1)
            rig.daemon.stop()
        }

        @Test func timeoutDoesNotCountPausedTime() throws {
            let rig = try Self.rig(left: ["synth 30 sine 440 vol 0.5"], right: ["synth 30 sine 1000 vol 0.5"])
            defer { rig.player.signal(SIGKILL); _ = rig.player.wait() }
            let events = try rig.daemon.connect()
            _ = events.request("function=subscribe")
            let started = Self.recording(Self.json(rig.client.request(#"{"function":"recording","agent_user":"1000","value":"START","timeout":"3"}"#)))
            // 1 s of the device's audio recorded, then 2 s of it paused.
            #expect(rig.client.waitForCapture(device: "pa", seconds: 1.0))
            _ = rig.client.request("function=recording&agent_user=1000&value=PAUSE&pause_behavior=skip")
            #expect(rig.client.waitForCapture(device: "pa", seconds: 2.0))
            _ = rig.client.request("function=recording&agent_user=1000&value=RESUME")
            let done = Self.completion(events, id: started["id"] as? Int ?? -1)
            #expect(done["cause"] as? String == "timeout")
            // 3 s of unpaused audio in the file, though 5 s went by.
            #expect(abs((done["duration_seconds"] as? Double ?? 0) - 3.0) < 0.05, "\(done)")
            #expect(abs((done["paused_seconds"] as? Double ?? 0) - 2.0) < 0.3)
            rig.daemon.stop()
        }

        @Test func prerollSplitLegsAndMinimumDuration() throws {
            // 440/1000 Hz for the first 3 s, then 660/1500 Hz.
            let rig = try Self.rig(left: ["synth 3 sine 440 vol 0.5", "synth 20 sine 660 vol 0.5"],
                                   right: ["synth 3 sine 1000 vol 0.5", "synth 20 sine 1500 vol 0.5"])
            defer { rig.player.signal(SIGKILL); _ = rig.player.wait() }
            let c = rig.client
            // 3.5 s of the signal captured, then 1 s more recorded.
            #expect(c.waitForCapture(device: "pa", seconds: 3.5))
            // Pre-roll reaches back into the first part of the signal.
            let pre = Self.json(c.request(#"{"function":"recording","agent_user":"1000","value":"START","preroll":"3","legs":"split"}"#))
            #expect(pre["data"] != nil, "\(pre)")
            #expect(c.waitForCapture(device: "pa", seconds: 1.0))
            let stopped = Self.json(c.request(#"{"function":"recording","agent_user":"1000","value":"STOP"}"#))
            let files = (stopped["data"] as? [String: Any])?["recordings"] as? [[String: Any]] ?? []
            #expect(files.map { $0["kind"] as? String ?? "" } == ["mono", "agent_leg", "customer_leg"])
            if files.count == 3 {
                let mix = try WAVContents(path: files[0]["file_path"] as? String ?? "")
                #expect(abs(mix.durationSeconds - 4.0) < 0.4, "\(mix.durationSeconds)")
                let early = mix.samples.prefix(4000)
                #expect(ToneAnalysis.power(early, frequency: 440, sampleRate: 8000) > 1e-3, "pre-roll lacks the early signal")
                let agent = try WAVContents(path: files[1]["file_path"] as? String ?? "").samples
                let customer = try WAVContents(path: files[2]["file_path"] as? String ?? "").samples
                #expect(agent.count == mix.samples.count && customer.count == mix.samples.count)
                let late = agent.count - 8000
                #expect(ToneAnalysis.dominant(agent[late...], among: [660, 1500], sampleRate: 8000).frequency == 660)
                #expect(ToneAnalysis.dominant(customer[late...], among: [660, 1500], sampleRate: 8000).frequency == 1500)
                #expect(ToneAnalysis.dominant(agent[late...], among: [660, 1500], sampleRate: 8000).share > 0.99)
            }
            // Too short: discarded, the file removed, the row kept.
            _ = c.request(#"{"function":"recording","agent_user":"1000","value":"START","min_duration":"5"}"#)
            #expect(c.waitForRecorded(agent: "1000", seconds: 0.5))
            let short = Self.recording(Self.json(c.request(#"{"function":"recording","agent_user":"1000","value":"STOP"}"#)))
            #expect(short["status"] as? String == "discarded" && short["cause"] as? String == "too_short", "\(short)")
            #expect(!FileManager.default.fileExists(atPath: short["file_path"] as? String ?? "/"))
            let row = Self.recording(Self.json(c.request(#"{"function":"recording_lookup","recording_id":"\#(short["id"] as? Int ?? -1)"}"#)))
            #expect(row["status"] as? String == "discarded")
            // Options out of range are refused with the option named.
            let tooMuch = Self.json(c.request(#"{"function":"recording","agent_user":"1000","value":"START","preroll":"31"}"#))
            #expect((tooMuch["error"] as? [String: Any])?["code"] as? String == "invalid_request")
            #expect(((tooMuch["error"] as? [String: Any])?["message"] as? String)?.contains("preroll") == true)
            #expect(c.request("function=recording&agent_user=1000&value=START&format=wav&bitrate=16")?.contains("bitrate") == true)
            #expect(c.request("function=recording&agent_user=1000&value=START&timeout=2")?.contains("timeout") == true)
            rig.daemon.stop()
        }
    }
}

/// Campaign policies and call fields, on virtual stations.
@Suite struct CampaignPolicyTests {
    let tail = "10.0.0.5|8600051|PAUSED"

    @Test func allCallsAllForceNeverAndTheCallsFields() throws {
        let daemon = try DaemonHarness.virtual(recording: "template = \"CUSTPHONE_LEADID_CALLID\"")
        try daemon.start()
        let c = try daemon.connect()
        _ = c.request("function=login&agent_user=1000&station=st1&session_id=8600051")
        // NEVER: START refused.
        #expect(c.request("function=call_start&agent_user=1000&call_id=C1&campaign_recording=NEVER")?.hasPrefix("SUCCESS") == true)
        #expect(c.request("function=recording&agent_user=1000&value=START") == "ERROR: recording disabled - 1000|||||\(tail)")
        _ = c.request("function=call_end&agent_user=1000")
        // ALLCALLS after a 1 s delay, ended by STOP; the file is named from the call.
        _ = c.request("function=call_start&agent_user=1000&call_id=C2&lead_id=77&phone_number=5551234&campaign_recording=ALLCALLS&recording_delay=1")
        #expect(c.request("function=recording&agent_user=1000&value=STATUS") == "NOTICE: not recording - 1000|||||\(tail)")
        // The delayed START, once the daemon has made it.
        #expect(waitUntil { c.request("function=recording&agent_user=1000&value=STATUS")?.hasPrefix("NOTICE: recording active") == true })
        let status = c.request("function=recording&agent_user=1000&value=STATUS") ?? ""
        #expect(status.contains("|5551234_77_C2|"), "\(status)")
        #expect(c.request("function=recording&agent_user=1000&value=STOP") == "SUCCESS: recording function sent - 1000|STOP||||\(tail)")
        _ = c.request("function=call_end&agent_user=1000")
        // ALLFORCE with campaign stereo: STOP cannot end it, END does not see the stereo one, call_end ends both.
        _ = c.request("function=call_start&agent_user=1000&call_id=C3&lead_id=78&campaign_recording=ALLFORCE&campaign_stereo=ALLCALLS")
        // Both campaign recordings have audio in their files.
        #expect(waitUntil { let parts = daemon.partFileSizes().values; return parts.count == 2 && parts.allSatisfy { $0 > 44 + 1600 } })
        #expect(c.request("function=recording&agent_user=1000&value=STOP") == "ERROR: stop recording error - 1000|||||\(tail)")
        #expect(c.request("function=stereo_recording&agent_user=1000&value=STATUS") == "NOTICE: not stereo_recording - 1000|||||\(tail)")
        #expect(c.request("function=stereo_recording&agent_user=1000&value=END") == "ERROR: stop stereo_recording error - 1000|||||\(tail)")
        let ended = (try? JSONSerialization.jsonObject(with: Data((c.request(#"{"function":"call_end","agent_user":"1000"}"#) ?? "").utf8))) as? [String: Any]
        let recs = (ended?["data"] as? [String: Any])?["recordings"] as? [[String: Any]] ?? []
        #expect(recs.count == 2 && recs.allSatisfy { $0["cause"] as? String == "call_end" }, "\(recs)")
        #expect(Set(recs.compactMap { $0["kind"] as? String }) == ["mono", "stereo"])
        #expect(recs.allSatisfy { $0["lead_id"] as? String == "78" && $0["call_id"] as? String == "C3" })
        // recording_lookup by call and by lead.
        c.sendRaw(Array("function=recording_lookup&call_id=C2\n".utf8))
        let line = c.readLine() ?? ""
        #expect(line.contains("|1000|") && line.contains("|77|") && line.hasSuffix("5551234_77_C2.wav"), "\(line)")
        #expect(c.readLine() == "")
        daemon.stop()
    }

    /// `api_campaign_policy = "ignore"`: the API's START works under NEVER and its STOP
    /// ends an ALLFORCE recording, as in VICIdial's api.php.
    @Test func anIgnoredCampaignPolicyDoesNotBindTheAPI() throws {
        let daemon = try DaemonHarness.virtual(recording: "api_campaign_policy = \"ignore\"")
        try daemon.start()
        let c = try daemon.connect()
        _ = c.request("function=login&agent_user=1000&station=st1&session_id=8600051")
        _ = c.request("function=call_start&agent_user=1000&call_id=N1&campaign_recording=NEVER")
        #expect(c.request("function=recording&agent_user=1000&value=START") == "SUCCESS: recording function sent - 1000|START||||\(tail)")
        #expect(c.request("function=recording&agent_user=1000&value=STOP") == "SUCCESS: recording function sent - 1000|STOP||||\(tail)")
        _ = c.request("function=call_end&agent_user=1000")
        _ = c.request("function=call_start&agent_user=1000&call_id=F1&campaign_recording=ALLFORCE")
        #expect(c.request("function=recording&agent_user=1000&value=STATUS")?.hasPrefix("NOTICE: recording active - 1000|") == true)
        #expect(c.request("function=recording&agent_user=1000&value=STOP") == "SUCCESS: recording function sent - 1000|STOP||||\(tail)")
        #expect(c.request("function=recording&agent_user=1000&value=STATUS") == "NOTICE: not recording - 1000|||||\(tail)")
        daemon.stop()
    }

    /// A call_start without call_id gets an id in the shape of Asterisk's uniqueid,
    /// `<epoch>.<serial>`, different for each call; the recording rows carry it, and
    /// call_status finds the agent by it while the call lasts.
    @Test func aCallWithoutCallIDGetsAUniqueOne() throws {
        let daemon = try DaemonHarness.virtual()
        try daemon.start()
        let c = try daemon.connect()
        _ = c.request("function=login&agent_user=1000&station=st1&session_id=8600051")
        func callID(_ reply: String?) -> String {
            let fields = (reply ?? "").split(separator: "|", omittingEmptySubsequences: false)
            return fields.count > 1 ? String(fields[1]) : ""
        }
        let before = Int(Date().timeIntervalSince1970)
        let first = callID(c.request("function=call_start&agent_user=1000&lead_id=5"))
        let after = Int(Date().timeIntervalSince1970)
        let parts = first.split(separator: ".")
        #expect(parts.count == 2 && parts[1].allSatisfy(\.isNumber), "\(first)")
        #expect((before...after).contains(Int(parts.first ?? "") ?? -1), "\(first)")
        let started = PulseAudioTests.CallFlowTests.json(c.request(#"{"function":"recording","agent_user":"1000","value":"START"}"#))
        #expect(PulseAudioTests.CallFlowTests.recording(started)["call_id"] as? String == first)
        #expect(c.request("function=call_status&call_id=\(first)")
                == "SUCCESS: call_status function sent - 1000|\(first)|5|||10.0.0.5|8600051|PAUSED")
        _ = c.request("function=call_end&agent_user=1000")
        #expect(c.request("function=call_status&call_id=\(first)") == "ERROR: call not found - \(first)")
        let second = callID(c.request("function=call_start&agent_user=1000"))
        #expect(!second.isEmpty && second != first, "\(first) \(second)")
        #expect(callID(c.request("function=call_start&agent_user=1000&call_id=MINE")) == "MINE")
        daemon.stop()
    }

    /// The log tells a campaign's recordings from an agent's: `function` is `campaign` in
    /// their rows (the kind says mono or stereo), and their JSON objects carry
    /// `"origin":"campaign"`. Under NEVER, BEGIN's refusal names stereo_recording.
    @Test func campaignRowsSayCampaignAndNeverRefusesInEachFunctionsWords() throws {
        let daemon = try DaemonHarness.virtual()
        try daemon.start()
        let c = try daemon.connect()
        _ = c.request("function=login&agent_user=1000&station=st1&session_id=8600051")
        #expect(c.request("function=call_start&agent_user=1000&call_id=N1&campaign_recording=NEVER")?.hasPrefix("SUCCESS") == true)
        #expect(c.request("function=stereo_recording&agent_user=1000&value=BEGIN") == "ERROR: stereo_recording disabled - 1000|||||\(tail)")
        #expect(c.request("function=recording&agent_user=1000&value=START") == "ERROR: recording disabled - 1000|||||\(tail)")
        #expect(c.request(#"{"function":"stereo_recording","agent_user":"1000","value":"BEGIN"}"#)
                == #"{"error":{"code":"recording_disabled","message":"stereo_recording is disabled by the campaign"}}"#)
        #expect(c.request(#"{"function":"recording","agent_user":"1000","value":"START"}"#)
                == #"{"error":{"code":"recording_disabled","message":"recording is disabled by the campaign"}}"#)
        _ = c.request("function=call_end&agent_user=1000")
        // ALLFORCE and campaign stereo start two recordings at call_start (no delay); the
        // agent starts one of each function beside them.
        #expect(c.request("function=call_start&agent_user=1000&call_id=F1&campaign_recording=ALLFORCE&campaign_stereo=ALLCALLS")?.hasPrefix("SUCCESS") == true)
        #expect(c.request("function=recording&agent_user=1000&value=START")?.hasPrefix("SUCCESS") == true)
        #expect(c.request("function=stereo_recording&agent_user=1000&value=BEGIN")?.hasPrefix("SUCCESS") == true)
        let ended = (try? JSONSerialization.jsonObject(with: Data((c.request(#"{"function":"call_end","agent_user":"1000"}"#) ?? "").utf8))) as? [String: Any]
        let recs = ((ended?["data"] as? [String: Any])?["recordings"] as? [[String: Any]] ?? [])
            .sorted { ($0["id"] as? Int ?? 0) < ($1["id"] as? Int ?? 0) }
        #expect(recs.map { $0["function"] as? String ?? "" } == ["recording", "stereo_recording", "recording", "stereo_recording"], "\(recs)")
        #expect(recs.map { $0["origin"] as? String ?? "-" } == ["campaign", "campaign", "-", "-"], "\(recs)")
        // The rows, as the database holds them.
        let rows = try Subprocess.run("sqlite3", [daemon.database, "SELECT function, kind FROM recording_log ORDER BY recording_id"])
        #expect(rows.status == 0, "\(rows.stderr)")
        #expect(rows.stdout == "campaign|mono\ncampaign|stereo\nrecording|mono\nstereo_recording|stereo\n")
        // recording_lookup reads a campaign row back as it was: its function and its origin.
        let ids = recs.map { $0["id"] as? Int ?? -1 }
        for (i, id) in ids.enumerated() {
            let found = (try? JSONSerialization.jsonObject(with: Data((c.request(#"{"function":"recording_lookup","recording_id":"\#(id)"}"#) ?? "").utf8))) as? [String: Any]
            let row = ((found?["data"] as? [String: Any])?["recordings"] as? [[String: Any]])?.first ?? [:]
            #expect(row["function"] as? String == recs[i]["function"] as? String && row["kind"] as? String == recs[i]["kind"] as? String)
            #expect(row["origin"] as? String == recs[i]["origin"] as? String, "\(row)")
        }
        daemon.stop()
    }
}
