import Foundation
import Testing
import TapedeckTestSupport

/// Real-time capture of real signal: a PulseAudio null sink per test, a different tone
/// on each leg played into it with paplay, read through ALSA's `pulse` plugin.
extension PulseAudioTests {
    @Suite(.serialized) struct RecordRealtimeTests {
        let agentTone = 440.0
        let customerTone = 1000.0

        /// A sink playing agent/customer tones, and an ALSA device reading its monitor: the
        /// server, the environment to record in, the player and the sink's name.
        func station(_ dir: TestDirectory, seconds: Double) throws -> (PulseServer, [String: String], RunningProcess, String) {
            let pulse = try PulseServer.start()
            let sink = "st" + String(UUID().uuidString.prefix(6)).lowercased()
            try pulse.addNullSink(sink)
            try dir.defineALSA("pcm.station { type pulse; device \"\(sink).monitor\" }")
            let tones = dir.file("tones.wav")
            // Longer than any test needs: a loaded machine may start the recorder late.
            try Sox.stereoTone(tones, left: agentTone, right: customerTone, seconds: seconds + 30)
            let player = try pulse.play(tones, sink: sink)
            usleep(300_000)   // let the tones reach the sink before recording starts
            return (pulse, dir.environment.merging(pulse.environment) { a, _ in a }, player, sink)
        }

        /// Waits (at most 10 s) until `path` holds `bytes`.
        func waitForFile(_ path: String, bytes: Int) throws {
            for _ in 0..<1000 {
                if let size = try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int, size >= bytes { return }
                usleep(10_000)
            }
            Issue.record("\(path) never reached \(bytes) bytes")
        }

        /// Checks each half second after the first: wherever there is signal it is `frequency`
        /// (never the other leg's tone), and at least a second of it has signal. (A fresh
        /// PulseAudio capture stream starts with up to ~1.5 s of silence, and a heavily loaded
        /// machine can starve paplay, which leaves silent gaps in the sink's monitor.)
        func checkTone(_ samples: [Int16], _ frequency: Double, _ what: String) {
            let windows = ToneAnalysis.windows(samples, window: 4000, among: [agentTone, customerTone], sampleRate: 8000)
            for w in windows {
                guard let (f, share) = w.dominant else { continue }
                #expect(f == frequency && share > 0.9, "\(what) at \(w.start): \(f) Hz, share \(share)")
            }
            let withSignal = windows.filter { $0.dominant != nil }.count
            #expect(withSignal >= 2, "\(what): signal in \(withSignal) of \(windows.count) half seconds")
        }

        @Test func threeSecondsStereoHaveTheRightDurationAndEachLegInItsChannel() throws {
            let dir = try TestDirectory()
            let (_, env, player, _) = try station(dir, seconds: 6)
            defer { player.signal(SIGKILL); _ = player.wait() }
            let out = dir.file("call.wav")
            let start = Date()
            let r = try Subprocess.run(Binaries.tapedeck, ["record", "--device", "station", "--mode", "stereo", "--duration", "3", out],
                                       environment: env)
            let elapsed = Date().timeIntervalSince(start)
            #expect(r.status == 0, "\(r.stderr)")
            let wav = try WAVContents(path: out)
            // Within one 20 ms period (160 frames) of 3 s of audio …
            #expect(abs(wav.frames - 24000) <= 160)
            // … taken in real time, not faster (paced capture).
            #expect(elapsed > 2.5, "3 s of paced audio recorded in \(elapsed) s")
            checkTone(wav.channel(0), agentTone, "left (agent)")
            checkTone(wav.channel(1), customerTone, "right (customer)")
        }

        @Test func mp3FromARealTimeDeviceDecodesToItsDurationAndTones() throws {
            let dir = try TestDirectory()
            let (_, env, player, _) = try station(dir, seconds: 6)
            defer { player.signal(SIGKILL); _ = player.wait() }
            let out = dir.file("call.mp3")
            let r = try Subprocess.run(Binaries.tapedeck, ["record", "--device", "station", "--mode", "stereo", "--duration", "3", out],
                                       environment: env)
            #expect(r.status == 0, "\(r.stderr)")
            let decoded = try Sox.decode(out)
            #expect(decoded.channels == 2 && decoded.rate == 8000)
            #expect(abs(decoded.samples.count / 2 - 24000) <= 160)
            let left = stride(from: 0, to: decoded.samples.count, by: 2).map { decoded.samples[$0] }
            let right = stride(from: 1, to: decoded.samples.count, by: 2).map { decoded.samples[$0] }
            checkTone(left, agentTone, "left (agent)")
            checkTone(right, customerTone, "right (customer)")
        }

        /// SIGKILL mid-recording: the `.part` file is a valid WAV whose header covers the
        /// audio up to its last update (at most a second old).
        @Test func killedRecorderLeavesAValidWAV() throws {
            let dir = try TestDirectory()
            let (_, env, player, _) = try station(dir, seconds: 8)
            defer { player.signal(SIGKILL); _ = player.wait() }
            let out = dir.file("killed.wav")
            let recorder = try Subprocess.launch(Binaries.tapedeck, ["record", "--device", "station", "--mode", "stereo", out],
                                                 environment: env)
            // Kill once 2.5 s of audio are on disk.
            try waitForFile(out + ".part", bytes: 44 + 4 * 20_000)
            recorder.signal(SIGKILL)
            let r = recorder.wait()
            #expect(r.terminatedBySignal)
            #expect(!FileManager.default.fileExists(atPath: out))
            let wav = try WAVContents(path: out + ".part")
            #expect(wav.channels == 2 && wav.sampleRate == 8000)
            // The header was updated at least once a second: it declares all but the last
            // second (plus one writer chunk of 4096 frames) of what the file holds, never more.
            #expect(wav.availableDataBytes >= 4 * 20_000)
            #expect(Int(wav.declaredDataSize) >= wav.availableDataBytes - 4 * (8000 + 4096),
                    "declares \(wav.declaredDataSize) of \(wav.availableDataBytes) bytes")
            #expect(Int(wav.declaredDataSize) <= wav.availableDataBytes)
            #expect(wav.declaredDataSize % 4 == 0)
            // sox reads it and agrees on the length.
            let soxi = try Subprocess.run("soxi", ["-s", out + ".part"])
            #expect(soxi.status == 0, "\(soxi.stderr)")
            #expect(Int(soxi.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) == Int(wav.declaredDataSize) / 4)
            let declared = Array(wav.samples.prefix(Int(wav.declaredDataSize) / 2))
            let left = stride(from: 0, to: declared.count, by: 2).map { declared[$0] }
            checkTone(left, agentTone, "left (agent) of the killed file")
        }

        @Test func ctrlCFinalisesTheFile() throws {
            let dir = try TestDirectory()
            let (_, env, player, _) = try station(dir, seconds: 6)
            defer { player.signal(SIGKILL); _ = player.wait() }
            let out = dir.file("interrupted.mp3")
            let launched = Date()
            let recorder = try Subprocess.launch(Binaries.tapedeck, ["record", "--device", "station", "--mode", "mono", out],
                                                 environment: env)
            // Interrupt once the file holds more than a second (an MP3 frame is 144 bytes).
            try waitForFile(out + ".part", bytes: 144 * 16)
            recorder.signal(SIGINT)
            // The recorder cannot have captured more than the time it ran before the signal
            // (plus the period under way when it came).
            let ranFor = Date().timeIntervalSince(launched)
            let r = recorder.wait()
            #expect(r.status == 0, "\(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out + ".part"))
            let decoded = try Sox.decode(out)
            #expect(decoded.channels == 1)
            #expect(decoded.samples.count >= 8000, "only \(decoded.samples.count) samples")
            #expect(decoded.samples.count <= Int((ranFor + 0.1) * 8000), "\(decoded.samples.count) samples in \(ranFor) s before SIGINT")
        }

        @Test func aDeviceThatStopsDeliveringEndsTheRecordingWithAnError() throws {
            let dir = try TestDirectory()
            let (pulse, env, player, sink) = try station(dir, seconds: 6)
            defer { player.signal(SIGKILL); _ = player.wait() }
            let out = dir.file("stalled.wav")
            let recorder = try Subprocess.launch(Binaries.tapedeck, ["record", "--device", "station", "--mode", "mono",
                                                                     "--duration", "60", out], environment: env)
            defer { if recorder.wait(seconds: 0) == nil { recorder.signal(SIGKILL); _ = recorder.wait() } }
            // 2.5 s of audio in the file (16-bit mono at 8 kHz after the 44-byte header: past
            // the stream's first silence), then the sink suspended: its monitor delivers
            // nothing, the device stays open.
            try waitForFile(out + ".part", bytes: 44 + 40_000)
            let suspend = try Subprocess.run("pactl", ["suspend-sink", sink, "1"], environment: pulse.environment)
            #expect(suspend.status == 0, "\(suspend.stderr)")
            // Without the stall rule the recorder waits for its 60 s.
            let r = try #require(recorder.wait(seconds: 40), "the recorder still runs after its device went silent")
            #expect(r.status == 1, "\(r.stderr)")
            let lines = r.stderr.split(separator: "\n")
            #expect(lines.count == 1, "\(r.stderr)")
            #expect(r.stderr.hasPrefix("tapedeck record: device 'station' delivered no audio for 2."), "\(r.stderr)")
            #expect(r.stderr.hasSuffix(" s (recording ended early; the file is complete up to here)\n"), "\(r.stderr)")
            // The file holds what came before the stall, final and valid, not the 60 s asked.
            #expect(!FileManager.default.fileExists(atPath: out + ".part"))
            let wav = try WAVContents(path: out)
            #expect(wav.channels == 1)
            #expect(wav.frames >= 20_000 && wav.frames < 60 * 8000, "\(wav.frames) frames")
            #expect(wav.samples.contains { abs(Int($0)) > 1000 }, "no tone in the audio before the stall")
            #expect(r.stdout.hasPrefix("recorded \(out): "), "\(r.stdout)")
        }
    }
}
