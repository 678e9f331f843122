import Foundation
import Testing
import TapedeckTestSupport

/// A PulseAudio null sink unloaded while the daemon captures its monitor, then loaded
/// again: the station goes down (its recording ends with cause device_lost, the file
/// valid), START is refused, and the station comes back by itself.
extension PulseAudioTests {
    @Suite struct DeviceLossTests {
        func event(_ client: ControlClient, named name: String, within seconds: Double) -> [String: Any]? {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline, let line = client.readLine() {
                let e = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
                if e["event"] as? String == name { return e }
            }
            return nil
        }

        @Test func aVanishingDeviceEndsItsRecordingsAndComesBack() throws {
            let pulse = try PulseServer.startDedicated()
            defer { kill(pulse.pid, SIGKILL) }
            let dir = try TestDirectory("tapedeckd")
            let sink = "dl" + String(UUID().uuidString.prefix(6)).lowercased()
            let module = try pulse.addNullSink(sink)
            try dir.defineALSA("pcm.station { type pulse; device \"\(sink).monitor\" }")
            let daemon = try DaemonHarness(
                dir: dir, devices: "[[device]]\nname = \"pa\"\npcm = \"station\"\n",
                stations: "[[station]]\nname = \"st1\"\ndevice = \"pa\"\nagent_channel = 0\ncustomer_channel = 1\n",
                environment: pulse.environment)
            try daemon.start()
            let events = try daemon.connect()
            _ = events.request("function=subscribe")
            let c = try daemon.connect()
            _ = c.request("function=login&agent_user=1000&station=st1&session_id=8600051")
            // The pulse stream's start-up (~1.5 s), then a second of audio in the recording.
            #expect(c.waitForCapture(device: "pa", seconds: 0.5), "the PulseAudio device delivered no audio")
            #expect(c.request("function=recording&agent_user=1000&value=START")?.hasPrefix("SUCCESS") == true)
            #expect(c.waitForRecorded(agent: "1000", seconds: 1.0))
            let before = c.framesCaptured(device: "pa")
            #expect(before > 0)
            try pulse.unloadModule(module)

            let ended = event(events, named: "recording.completed", within: 15)
            let rec = ended?["recording"] as? [String: Any] ?? [:]
            #expect(rec["cause"] as? String == "device_lost", "\(String(describing: ended))")
            let path = rec["file_path"] as? String ?? ""
            let v = try Subprocess.run(Binaries.tapedeck, ["validate", path])
            #expect(v.status == 0, "\(v.stdout)")
            let down = event(events, named: "station.down", within: 5)
            #expect((down?["station"] as? [String: Any])?["name"] as? String == "st1", "\(String(describing: down))")
            let refused = c.request(#"{"function":"recording","agent_user":"1000","value":"START"}"#) ?? ""
            #expect(refused.contains(#""code":"station_unavailable""#), "\(refused)")

            try pulse.addNullSink(sink)
            let up = event(events, named: "station.up", within: 20)
            #expect((up?["station"] as? [String: Any])?["name"] as? String == "st1", "\(String(describing: up))")
            // Counters go on from where they were: the reopened capture adds to them.
            #expect(c.framesCaptured(device: "pa") >= before)
            #expect(c.request("function=recording&agent_user=1000&value=START")?.hasPrefix("SUCCESS") == true)
            #expect(c.request("function=recording&agent_user=1000&value=STOP")?.hasPrefix("SUCCESS") == true)
            daemon.stop()
        }
    }
}
