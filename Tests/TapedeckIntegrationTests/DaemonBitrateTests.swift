import Foundation
import Testing
import TapedeckTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// MP3 bitrates on a real daemon with virtual stations at 8, 16 and 44.1 kHz: a bitrate the
/// encoder would change at the station's rate is refused with the valid ones named; one
/// that is accepted is the bitrate in every frame header of the file.
@Suite struct DaemonBitrateTests {
    static let at8k = [8, 16, 24, 32, 40, 48, 56, 64]
    static let at16k = [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]
    static let at44k = [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]

    static func list(_ bitrates: [Int]) -> String { bitrates.map(String.init).joined(separator: ", ") }

    /// Virtual devices at `rates`, one station each (st1, st2, …), with default bitrates
    /// valid at all of them.
    /// (Each agent records at every accepted bitrate at once: above the default per-agent limit.)
    static func daemon(rates: [Int], recording: String = "mono_bitrate = 32\nstereo_bitrate = 32") throws -> DaemonHarness {
        var devices = "", stations = ""
        for (i, rate) in rates.enumerated() {
            devices += "[[device]]\nname = \"v\(i + 1)\"\npcm = \"virtual\"\nchannels = 2\nrate = \(rate)\n"
            stations += "[[station]]\nname = \"st\(i + 1)\"\ndevice = \"v\(i + 1)\"\nagent_channel = 0\ncustomer_channel = 1\n"
        }
        return try DaemonHarness(dir: try TestDirectory("tapedeckd"), devices: devices, stations: stations,
                                 recording: recording + "\nmax_recordings_per_agent = 64")
    }

    /// Agents 1000, 2000, … logged in at st1, st2, ….
    static func loggedIn(_ daemon: DaemonHarness, stations: Int) throws -> ControlClient {
        let c = try daemon.connect()
        for i in 1...stations {
            #expect(c.request("function=login&agent_user=\(i)000&station=st\(i)&session_id=8600051")?.hasPrefix("SUCCESS") == true)
        }
        return c
    }

    static func json(_ line: String?) -> [String: Any] {
        guard let line, let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            Issue.record("not JSON: \(line ?? "nil")")
            return [:]
        }
        return o
    }

    static func recordings(_ line: String?) -> [[String: Any]] {
        let data = json(line)["data"] as? [String: Any] ?? [:]
        return data["recordings"] as? [[String: Any]] ?? (data["recording"] as? [String: Any]).map { [$0] } ?? []
    }

    /// The bitrate of each frame of an MP3 file (frames chained from offset 0 by the
    /// test-side walker), or nil when the frames do not cover the whole file.
    static func frameBitrates(_ path: String) throws -> [Int]? {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let frames = MP3Frames.frames(bytes)
        guard frames.map(\.length).reduce(0, +) == bytes.count else { return nil }
        let mpeg1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]
        let mpeg2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]
        return frames.map { f in
            let version = (bytes[f.offset + 1] >> 3) & 3
            return (version == 3 ? mpeg1 : mpeg2)[Int(bytes[f.offset + 2] >> 4)]
        }
    }

    @Test func refusedWithTheBitratesOfTheStationsRate() throws {
        let daemon = try Self.daemon(rates: [8000, 16000, 44100])
        try daemon.start()
        let c = try Self.loggedIn(daemon, stations: 3)
        // MPEG-2.5 allows 80–160 kbit/s, but LAME writes them as 64: refused, nothing changed.
        for n in [80, 96, 112, 128, 144, 160] {
            #expect(c.request("function=recording&agent_user=1000&value=START&format=mp3&bitrate=\(n)")
                    == "ERROR: recording not valid - bitrate must be one of \(Self.list(Self.at8k)) at 8000 Hz (station st1)|1000")
        }
        #expect(c.request("function=stereo_recording&agent_user=1000&value=BEGIN&format=mp3&bitrate=160")
                == "ERROR: stereo_recording not valid - bitrate must be one of \(Self.list(Self.at8k)) at 8000 Hz (station st1)|1000")
        #expect(c.request("function=recording&agent_user=2000&value=START&format=mp3&bitrate=192")
                == "ERROR: recording not valid - bitrate must be one of \(Self.list(Self.at16k)) at 16000 Hz (station st2)|2000")
        #expect(c.request("function=recording&agent_user=3000&value=START&format=mp3&bitrate=144")
                == "ERROR: recording not valid - bitrate must be one of \(Self.list(Self.at44k)) at 44100 Hz (station st3)|3000")
        #expect(c.request("function=stereo_recording&agent_user=3000&value=BEGIN&format=mp3&bitrate=16")
                == "ERROR: stereo_recording not valid - bitrate must be one of \(Self.list(Self.at44k)) at 44100 Hz (station st3)|3000")
        // Not a bitrate at any rate: the request's own check, with every bitrate.
        #expect(c.request("function=recording&agent_user=1000&value=START&format=mp3&bitrate=100")
                == "ERROR: recording not valid - bitrate must be one of 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 192, 224, 256, 320|1000")
        // JSON: invalid_request with the same message.
        #expect(c.request(#"{"function":"recording","agent_user":"1000","value":"START","format":"mp3","bitrate":"128"}"#)
                == #"{"error":{"code":"invalid_request","message":"bitrate must be one of 8, 16, 24, 32, 40, 48, 56, 64 at 8000 Hz (station st1)"}}"#)
        #expect(c.request(#"{"function":"stereo_recording","agent_user":"2000","value":"BEGIN","format":"mp3","bitrate":320}"#)
                == #"{"error":{"code":"invalid_request","message":"bitrate must be one of \#(Self.list(Self.at16k)) at 16000 Hz (station st2)"}}"#)
        // Nothing was started: no row, no file.
        #expect(c.request("function=recording_lookup&agent_user=1000") == "ERROR: recording_lookup NO RECORDINGS FOUND - 1000||||")
        #expect(try daemon.recordings().isEmpty)
        #expect(daemon.stop()?.status == 0)
    }

    @Test func everyAcceptedBitrateIsTheOneInTheFrameHeaders() throws {
        let tables = [Self.at8k, Self.at16k, Self.at44k]
        let daemon = try Self.daemon(rates: [8000, 16000, 44100])
        try daemon.start()
        let c = try Self.loggedIn(daemon, stations: 3)
        var asked: [String: Int] = [:]   // file path → bitrate
        for (i, table) in tables.enumerated() {
            let agent = "\(i + 1)000"
            for n in table {
                let r = Self.recordings(c.request(#"{"function":"recording","agent_user":"\#(agent)","value":"START","format":"mp3","bitrate":"\#(n)"}"#))
                #expect(r.count == 1, "\(n) kbit/s at st\(i + 1)")
                if let path = r.first?["file_path"] as? String { asked[path] = n }
            }
            // Stereo (joint stereo) at the table's highest bitrate.
            let s = Self.recordings(c.request(#"{"function":"stereo_recording","agent_user":"\#(agent)","value":"BEGIN","format":"mp3","bitrate":"\#(table.last!)"}"#))
            if let path = s.first?["file_path"] as? String { asked[path] = table.last! }
        }
        for (i, table) in tables.enumerated() {
            #expect(c.waitForRecorded(agent: "\(i + 1)000", function: "recording", count: table.count, seconds: 1.5, timeout: 60))
            #expect(c.waitForRecorded(agent: "\(i + 1)000", function: "stereo_recording", count: 1, seconds: 1.5, timeout: 60))
        }
        var finished: [String] = []
        for i in 1...3 {
            finished += Self.recordings(c.request(#"{"function":"recording","agent_user":"\#(i)000","value":"STOP"}"#))
                .compactMap { $0["file_path"] as? String }
            finished += Self.recordings(c.request(#"{"function":"stereo_recording","agent_user":"\#(i)000","value":"END"}"#))
                .compactMap { $0["file_path"] as? String }
        }
        #expect(Set(finished) == Set(asked.keys) && asked.count == 8 + 14 + 14 + 3)
        for (path, n) in asked.sorted(by: { $0.key < $1.key }) {
            let bitrates = try Self.frameBitrates(path)
            #expect((bitrates?.count ?? 0) > 15 && bitrates?.allSatisfy { $0 == n } == true,
                    "\(path): asked \(n) kbit/s, frames \(Set(bitrates ?? []))")
        }
        #expect(daemon.stop()?.status == 0)
    }

    /// `legs=split` beside a stereo MP3: the leg files are mono, at the configured
    /// mono_bitrate (not a built-in one the station's rate may not take).
    @Test func theLegsOfAStereoMP3AreAtTheMonoBitrate() throws {
        let daemon = try Self.daemon(rates: [8000, 44100], recording: "mono_bitrate = 48\nstereo_bitrate = 64")
        try daemon.start()
        let c = try Self.loggedIn(daemon, stations: 2)
        for agent in ["1000", "2000"] {
            let r = Self.recordings(c.request(#"{"function":"stereo_recording","agent_user":"\#(agent)","value":"BEGIN","format":"mp3","legs":"split"}"#))
            #expect(r.count == 1, "\(agent)")
        }
        for agent in ["1000", "2000"] {
            #expect(c.waitForRecorded(agent: agent, function: "stereo_recording", count: 1, seconds: 1.5, timeout: 60))
            let files = Self.recordings(c.request(#"{"function":"stereo_recording","agent_user":"\#(agent)","value":"END"}"#))
            #expect(files.map { $0["kind"] as? String ?? "" } == ["stereo", "agent_leg", "customer_leg"], "\(files)")
            for (file, n) in zip(files, [64, 48, 48]) {
                let path = file["file_path"] as? String ?? ""
                let bitrates = try Self.frameBitrates(path)
                #expect((bitrates?.count ?? 0) > 15 && bitrates?.allSatisfy { $0 == n } == true,
                        "\(path): \(n) kbit/s wanted, frames \(Set(bitrates ?? []))")
            }
        }
        #expect(daemon.stop()?.status == 0)
    }

    @Test func startUpRefusesADefaultBitrateTheEncoderWouldChange() throws {
        let daemon = try Self.daemon(rates: [8000], recording: "mono_bitrate = 96")
        var failure: DaemonHarness.DaemonFailed?
        do { try daemon.start() } catch let e as DaemonHarness.DaemonFailed { failure = e }
        // Exit status 2 (a wait status of 2 << 8): the configuration is refused.
        #expect(failure?.message == "tapedeckd exited at start (status 512)")
        let r = daemon.stop()
        #expect(r?.stderr == "tapedeckd: \(daemon.configPath): recording.mono_bitrate: 96 is not an MP3 bitrate at 8000 Hz"
                + " (device \"v1\"; MPEG-2.5 Layer III as LAME encodes it takes 8, 16, 24, 32, 40, 48, 56, 64)\n")
        #expect(!FileManager.default.fileExists(atPath: daemon.socketPath))
    }
}

extension ReloadTests {
    @Test func aReloadWithABitrateTheEncoderWouldChangeIsRefused() throws {
        let daemon = try DaemonHarness(dir: try TestDirectory("reload"), devices: Self.device("virt"),
                                       stations: Self.stations([("st1", "virt", 0)]))
        try daemon.start()
        let line = try reload(daemon, devices: Self.device("virt"), stations: Self.stations([("st1", "virt", 0)]),
                              recording: "stereo_bitrate = 128", expect: "reload refused")
        let error = "\(daemon.configPath): recording.stereo_bitrate: 128 is not an MP3 bitrate at 8000 Hz"
            + " (device \"virt\"; MPEG-2.5 Layer III as LAME encodes it takes 8, 16, 24, 32, 40, 48, 56, 64)"
        #expect(line.hasSuffix("error=\"" + error.replacingOccurrences(of: "\"", with: "\\\"") + "\""), "\(line)")
        // The running configuration stays: a stereo MP3 at its default 32 kbit/s still starts.
        let c = try daemon.connect()
        #expect(c.request("function=login&agent_user=1000&station=st1&session_id=8600051")?.hasPrefix("SUCCESS") == true)
        #expect(c.request("function=stereo_recording&agent_user=1000&value=BEGIN&format=mp3")?.hasPrefix("SUCCESS") == true)
        #expect(c.request("function=stereo_recording&agent_user=1000&value=END")?.hasPrefix("SUCCESS") == true)
        #expect(daemon.stop()?.status == 0)
    }
}
