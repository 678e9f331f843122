import Foundation
import Testing
import TapedeckTestSupport

/// tapedeckd on PulseAudio-backed ALSA devices with real-time priority granted (the tests
/// run as root): several SCHED_FIFO capture threads on this 2-core machine, each waiting
/// for a PulseAudio stream that takes ~1.5 s to start, leave the sound server room to run,
/// so every station captures; and a device that delivers nothing (its sink suspended) is
/// shown as stalled and its recordings fail with cause no_audio, never as a silent success.
extension PulseAudioTests {
    @Suite(.serialized) struct RealtimeStationsTests {
        /// One station per device: its sink, the tones played into it (agent left, customer right).
        struct Station {
            let name: String
            let agent: String
            let device: String
            let sink: String
            let tones: (agent: Double, customer: Double)
        }

        static func json(_ line: String?) -> [String: Any] {
            guard let line, let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                Issue.record("not JSON: \(line ?? "nil")"); return [:]
            }
            return o
        }

        /// The recording objects of a reply (`data.recording` or `data.recordings`).
        static func recordings(_ reply: [String: Any]) -> [[String: Any]] {
            let data = reply["data"] as? [String: Any] ?? [:]
            if let one = data["recording"] as? [String: Any] { return [one] }
            return data["recordings"] as? [[String: Any]] ?? []
        }

        /// Asks `probe` every 50 ms until it returns a value, for at most `seconds`.
        static func waitFor<T>(_ what: String, seconds: Double, _ probe: () throws -> T?) rethrows -> T? {
            let deadline = Date().addingTimeInterval(seconds)
            repeat {
                if let v = try probe() { return v }
                usleep(50_000)
            } while Date() < deadline
            Issue.record("\(what): not within \(seconds) s")
            return nil
        }

        /// The scheduling policy and real-time priority of each of the daemon's threads
        /// named `cap-…`, from /proc/PID/task/TID/stat (fields 41 and 40), by thread name.
        struct Scheduling: Equatable {
            /// 0 SCHED_OTHER, 1 SCHED_FIFO.
            let policy: Int
            let priority: Int
        }

        static func captureThreadScheduling(pid: Int32) -> [String: Scheduling] {
            let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
            var out: [String: Scheduling] = [:]
            for tid in tasks {
                guard let stat = try? String(contentsOfFile: "/proc/\(pid)/task/\(tid)/stat", encoding: .utf8),
                      let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")") else { continue }
                let comm = String(stat[stat.index(after: open)..<close])
                guard comm.hasPrefix("cap-") else { continue }
                // After the ")": field 3 (state) onwards.
                let fields = stat[stat.index(after: close)...].split(separator: " ")
                guard fields.count > 38, let priority = Int(fields[37]), let policy = Int(fields[38]) else { continue }
                out[comm] = Scheduling(policy: policy, priority: priority)
            }
            return out
        }

        /// Every 0.5 s window after the first: where there is signal it is `expected` (of all
        /// the tones played), and at least half of the windows have signal (a loaded machine
        /// may starve paplay now and then, leaving silent gaps in a sink's monitor).
        static func checkTone(_ samples: [Int16], _ expected: Double, among all: [Double], _ what: String) {
            let windows = ToneAnalysis.windows(samples, window: 4000, among: all, sampleRate: 8000)
            for w in windows {
                guard let (f, share) = w.dominant else { continue }
                #expect(f == expected && share > 0.9, "\(what) at \(w.start): \(f) Hz, share \(share)")
            }
            let withSignal = windows.filter { $0.dominant != nil }.count
            #expect(windows.count >= 4 && 2 * withSignal >= windows.count,
                    "\(what): signal in \(withSignal) of \(windows.count) half seconds")
        }

        static func daemon(_ dir: TestDirectory, _ stations: [Station], pulse: PulseServer) throws -> DaemonHarness {
            try dir.defineALSA(stations.map { "pcm.\($0.device) { type pulse; device \"\($0.sink).monitor\" }" }.joined(separator: "\n"))
            let devices = stations.map { "[[device]]\nname = \"\($0.device)\"\npcm = \"\($0.device)\"\n" }.joined()
            let st = stations.map { "[[station]]\nname = \"\($0.name)\"\ndevice = \"\($0.device)\"\nagent_channel = 0\ncustomer_channel = 1\n" }.joined()
            return try DaemonHarness(dir: dir, devices: devices, stations: st, environment: pulse.environment)
        }

        @Test func everyStationCapturesWithTwoRealtimeDevices() throws {
            let pulse = try PulseServer.start()
            let dir = try TestDirectory("tapedeckd")
            let tag = String(UUID().uuidString.prefix(6)).lowercased()
            let stations = [
                Station(name: "st1", agent: "1000", device: "pa1", sink: "rta" + tag, tones: (440, 1000)),
                Station(name: "st2", agent: "1001", device: "pa2", sink: "rtb" + tag, tones: (660, 1500)),
            ]
            let allTones = stations.flatMap { [$0.tones.agent, $0.tones.customer] }
            for s in stations { try pulse.addNullSink(s.sink) }
            // The daemon opens the devices on idle sinks, as at boot before any call.
            let daemon = try Self.daemon(dir, stations, pulse: pulse)
            try daemon.start()
            defer { daemon.stop() }
            let c = try daemon.connect()

            // Both capture threads got SCHED_FIFO (policy 1) at priority 40.
            let pid = daemon.process?.pid ?? -1
            let scheduling: [String: Scheduling] = Self.waitFor("two capture threads", seconds: 10) {
                let s = Self.captureThreadScheduling(pid: pid)
                return s.count == 2 ? s : nil
            } ?? [:]
            for s in stations {
                #expect(scheduling["cap-\(s.device)"] == Scheduling(policy: 1, priority: 40),
                        "cap-\(s.device): \(String(describing: scheduling["cap-\(s.device)"]))")
            }

            // Both devices deliver audio: frames captured advance on each (the PulseAudio
            // streams start within ~1.5 s; starved by spinning threads, never).
            let first = Self.waitFor("frames from both devices", seconds: 20) { () -> [String: Double]? in
                let m = c.metrics()
                let frames = stations.map { m[#"tapedeck_device_frames_captured_total{device="\#($0.device)"}"#] ?? 0 }
                return frames.allSatisfy { $0 >= 8000 } ? m : nil
            } ?? [:]
            #expect(c.request("function=health") == "OK: tapedeckd healthy - devices 2/2 up|stations 2|recordings 0")

            // The calls: a tone on each leg of each station.
            var players: [RunningProcess] = []
            defer { for p in players { p.signal(SIGKILL); _ = p.wait() } }
            for s in stations {
                let wav = dir.file("\(s.name)-tones.wav")
                try Sox.stereoTone(wav, left: s.tones.agent, right: s.tones.customer, seconds: 90)
                players.append(try pulse.play(wav, sink: s.sink))
            }

            for s in stations {
                #expect(c.request("function=login&agent_user=\(s.agent)&station=\(s.name)&session_id=8600051")?.hasPrefix("SUCCESS") == true)
            }
            var begun: [(Station, String, Date)] = []
            for s in stations {
                let reply = Self.json(c.request(#"{"function":"stereo_recording","agent_user":"\#(s.agent)","value":"BEGIN"}"#))
                begun.append((s, Self.recordings(reply).first?["file_path"] as? String ?? "", Date()))
            }
            // Until each file holds 3 s of stereo audio.
            for (s, path, _) in begun {
                _ = Self.waitFor("3 s in \(s.name)'s file", seconds: 20) { () -> Bool? in
                    let size = (try? FileManager.default.attributesOfItem(atPath: path + ".part")[.size] as? Int) ?? 0
                    return size >= 44 + 4 * 3 * 8000 ? true : nil
                }
            }
            var ended: [(Station, [String: Any], Double)] = []
            for (s, _, began) in begun {
                let elapsed = Date().timeIntervalSince(began)
                let reply = c.request(#"{"function":"stereo_recording","agent_user":"\#(s.agent)","value":"END"}"#)
                ended.append((s, Self.recordings(Self.json(reply)).first ?? [:], elapsed))
            }
            let after = c.metrics()
            for (s, r, elapsed) in ended {
                #expect(r["status"] as? String == "completed" && r["cause"] as? String == "stopped", "\(s.name): \(r)")
                let wav = try WAVContents(path: r["file_path"] as? String ?? "")
                #expect(wav.channels == 2 && wav.sampleRate == 8000)
                // As long as the recording ran (from BEGIN's reply to END's request), within 0.3 s.
                #expect(abs(wav.durationSeconds - elapsed) < 0.3, "\(s.name): \(wav.durationSeconds) s of audio in \(elapsed) s")
                #expect(abs((r["duration_seconds"] as? Double ?? 0) - wav.durationSeconds) < 0.01)
                Self.checkTone(wav.channel(0), s.tones.agent, among: allTones, "\(s.name) left (agent)")
                Self.checkTone(wav.channel(1), s.tones.customer, among: allTones, "\(s.name) right (customer)")
                // The device went on capturing in real time meanwhile.
                let key = #"tapedeck_device_frames_captured_total{device="\#(s.device)"}"#
                let advanced = (after[key] ?? 0) - (first[key] ?? .infinity)
                #expect(advanced >= 0.9 * 8000 * elapsed, "\(s.device): \(advanced) frames in \(elapsed) s")
                #expect(after[#"tapedeck_device_stalled{device="\#(s.device)"}"#] == 0)
            }
        }

        @Test func aStalledDeviceIsReportedAndItsRecordingsFailWithNoAudio() throws {
            let pulse = try PulseServer.start()
            let dir = try TestDirectory("tapedeckd")
            let station = Station(name: "st1", agent: "1000", device: "pa", sink: "stall" + String(UUID().uuidString.prefix(6)).lowercased(),
                                  tones: (440, 1000))
            try pulse.addNullSink(station.sink)
            let daemon = try Self.daemon(dir, [station], pulse: pulse)
            // The systemd watchdog as the unit has it, at 1 s (a ping every 0.5 s while
            // the daemon shows progress, for at most 3 s without).
            let notify = try NotifySocket(.path)
            daemon.extraEnvironment.merge(["NOTIFY_SOCKET": notify.notifySocket, "WATCHDOG_USEC": "1000000"]) { _, b in b }
            try daemon.start()
            defer { daemon.stop() }
            let c = try daemon.connect()
            let events = try daemon.connect()
            _ = events.request("function=subscribe")
            func health() -> String { c.request("function=health") ?? "" }
            let frames = #"tapedeck_device_frames_captured_total{device="pa"}"#
            // The null sink's monitor delivers (silence) once the stream has started.
            _ = Self.waitFor("audio from the device", seconds: 20) { (c.metrics()[frames] ?? 0) >= 8000 ? true : nil }
            #expect(health() == "OK: tapedeckd healthy - devices 1/1 up|stations 1|recordings 0")
            #expect(c.request("function=login&agent_user=1000&station=st1&session_id=8600051")?.hasPrefix("SUCCESS") == true)

            // Suspended, the sink's monitor delivers nothing; the device stays open.
            let suspend = try Subprocess.run("pactl", ["suspend-sink", station.sink, "1"], environment: pulse.environment)
            #expect(suspend.status == 0, "\(suspend.stderr)")
            let mono = Self.recordings(Self.json(c.request(#"{"function":"recording","agent_user":"1000","value":"START"}"#))).first ?? [:]
            let stereo = Self.recordings(Self.json(c.request(#"{"function":"stereo_recording","agent_user":"1000","value":"BEGIN"}"#))).first ?? [:]
            #expect(mono["status"] as? String == "started" && stereo["status"] as? String == "started")

            // Health: the device is stalled (not up): with no other device, the daemon is down.
            // (Until it has been for 2.6 s: the monitor, every 250 ms, has logged it by then.)
            let prefix = "CRITICAL: tapedeckd down - devices 0/1 up|stations 1|recordings 2|pa stalled: no audio for "
            let stalledLine = Self.waitFor("health to show the stall", seconds: 20) { () -> String? in
                let h = health()
                let quiet = h.hasPrefix(prefix) ? Double(h.dropFirst(prefix.count).prefix { $0 != " " }) ?? 0 : 0
                return h.hasPrefix("CRITICAL: ") && (quiet >= 2.6 || !h.hasPrefix(prefix)) ? h : nil
            } ?? ""
            #expect(stalledLine.hasPrefix(prefix) && stalledLine.hasSuffix(" s"), "\(stalledLine)")
            let h = Self.json(c.request(#"{"function":"health"}"#))["data"] as? [String: Any] ?? [:]
            #expect(h["status"] as? String == "down")
            let device = (h["devices"] as? [[String: Any]])?.first ?? [:]
            #expect(device["state"] as? String == "stalled" && (device["error"] as? String)?.hasPrefix("no audio for ") == true, "\(device)")
            #expect((h["stations"] as? [[String: Any]])?.first?["state"] as? String == "stalled")
            let stalledMetrics = c.metrics()
            #expect(stalledMetrics[#"tapedeck_device_stalled{device="pa"}"#] == 1)
            #expect(stalledMetrics[#"tapedeck_device_up{device="pa"}"#] == 1)
            // A stalled device is reported, not a wedged daemon: the watchdog pings go on
            // once the stall is older than the 3 s the watchdog allows a counter to stand
            // still (systemd would otherwise restart the daemon, ending every device's recordings).
            _ = Self.waitFor("the stall to pass 4 s", seconds: 20) { () -> Bool? in
                let h = health()
                return h.hasPrefix(prefix) && (Double(h.dropFirst(prefix.count).prefix { $0 != " " }) ?? 0) >= 4 ? true : nil
            }
            _ = notify.drain()
            #expect(waitUntil(seconds: 5) { notify.drain().contains("WATCHDOG=1") }, "no watchdog ping during the stall")

            // STOP (text): the "stop failed" line with the reason, not SUCCESS.
            let stop = c.request("function=recording&agent_user=1000&value=STOP") ?? ""
            #expect(stop.hasPrefix("ERROR: stop recording error - 1000|no audio: device pa delivered nothing in the "), "\(stop)")
            #expect(stop.hasSuffix(" s)||||10.0.0.5|8600051|PAUSED") && stop.contains(" s the recording ran (stalled: no audio for "), "\(stop)")
            // END (JSON): the recording, failed with cause no_audio and the reason.
            let end = Self.recordings(Self.json(c.request(#"{"function":"stereo_recording","agent_user":"1000","value":"END"}"#)))
            #expect(end.count == 1)
            for r in end {
                #expect(r["status"] as? String == "failed" && r["cause"] as? String == "no_audio", "\(r)")
                #expect((r["reason"] as? String)?.hasPrefix("no audio: device pa delivered nothing in the ") == true, "\(r)")
                #expect(r["duration_seconds"] as? Double == 0)
            }
            // The rows, as the recording log has them.
            for id in [mono["id"] as? Int ?? -1, stereo["id"] as? Int ?? -1] {
                let row = Self.recordings(Self.json(c.request(#"{"function":"recording_lookup","recording_id":"\#(id)"}"#))).first ?? [:]
                #expect(row["status"] as? String == "failed" && row["cause"] as? String == "no_audio", "\(row)")
                #expect((row["reason"] as? String)?.hasPrefix("no audio: device pa delivered nothing") == true, "\(row)")
            }
            // The events.
            var failed: [Int: [String: Any]] = [:]
            let deadline = Date().addingTimeInterval(10)
            while failed.count < 2, Date() < deadline, let line = events.readLine() {
                let e = Self.json(line)
                guard let r = e["recording"] as? [String: Any], let id = r["id"] as? Int else { continue }
                #expect(e["event"] as? String != "recording.completed", "\(line)")
                if e["event"] as? String == "recording.failed" {
                    #expect((e["reason"] as? String)?.hasPrefix("no audio: ") == true && r["cause"] as? String == "no_audio", "\(line)")
                    failed[id] = r
                }
            }
            #expect(Set(failed.keys) == Set([mono["id"] as? Int ?? -1, stereo["id"] as? Int ?? -1]))
            let counted = c.metrics()
            #expect(counted[#"tapedeck_recordings_failed_total{kind="mono",cause="no_audio"}"#] == 1)
            #expect(counted[#"tapedeck_recordings_failed_total{kind="stereo",cause="no_audio"}"#] == 1)
            #expect(counted[#"tapedeck_recordings_completed_total{kind="mono",cause="stopped"}"#] == nil)

            // Resumed, the device delivers again: health recovers, and a recording is a success.
            let resume = try Subprocess.run("pactl", ["suspend-sink", station.sink, "0"], environment: pulse.environment)
            #expect(resume.status == 0, "\(resume.stderr)")
            _ = Self.waitFor("health to recover", seconds: 20) {
                health() == "OK: tapedeckd healthy - devices 1/1 up|stations 1|recordings 0" ? true : nil
            }
            #expect(c.metrics()[#"tapedeck_device_stalled{device="pa"}"#] == 0)
            let again = Self.recordings(Self.json(c.request(#"{"function":"recording","agent_user":"1000","value":"START"}"#))).first ?? [:]
            let path = again["file_path"] as? String ?? ""
            _ = Self.waitFor("audio in the new file", seconds: 20) { () -> Bool? in
                ((try? FileManager.default.attributesOfItem(atPath: path + ".part")[.size] as? Int) ?? 0) >= 44 + 2 * 8000 ? true : nil
            }
            #expect(c.request("function=recording&agent_user=1000&value=STOP") == "SUCCESS: recording function sent - 1000|STOP||||10.0.0.5|8600051|PAUSED")
            #expect(try WAVContents(path: path).durationSeconds >= 1)
            // The journal has the stall, the recordings without audio and the recovery.
            let log = daemon.stop()?.stderr ?? ""
            for line in ["warning tapedeckd: device stalled: open but delivering no audio device=pa",
                         "warning tapedeckd: recording had no audio device=pa",
                         "notice tapedeckd: device delivers audio again device=pa"] {
                #expect(log.contains(line), "\(line) not in:\n\(log)")
            }
        }
    }
}
