import Foundation
import Testing
import TapedeckTestSupport

/// `tapedeck validate` and `tapedeck repair` as a user runs them: on files our own
/// encoders made (`tapedeck record`), on the `.part` file a SIGKILLed recorder leaves,
/// and the command-line contract (exit codes, table, JSON lines, walking, dry runs).

// MARK: - Helpers

enum FileCheckRun {
    static func tapedeck(_ args: [String], environment: [String: String] = [:]) throws -> ProcessResult {
        try Subprocess.run(Binaries.tapedeck, args, environment: environment)
    }

    /// The keys of a `--json` line, in their documented order.
    static let jsonKeys = ["path", "format", "sample_rate", "channels", "bits_per_sample", "bitrate_kbps", "vbr",
                           "duration_seconds", "gapless_duration_seconds", "lame_tag_crc", "frames", "file_size", "verdict", "reasons"]

    /// Parses `validate --json` output: one object per line, every documented key
    /// present once, in order, and nothing else on stdout.
    static func jsonLines(_ stdout: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [[String: Any]] {
        var objects: [[String: Any]] = []
        #expect(stdout.hasSuffix("\n"), "output must end with a newline", sourceLocation: sourceLocation)
        for line in stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            let text = String(line)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
                                      "not a JSON object: \(text)", sourceLocation: sourceLocation)
            #expect(Set(object.keys) == Set(jsonKeys), "keys of \(text)", sourceLocation: sourceLocation)
            var from = text.startIndex
            for key in jsonKeys {
                let found = try #require(text.range(of: "\"\(key)\":", range: from..<text.endIndex),
                                         "key \(key) missing or out of order in \(text)", sourceLocation: sourceLocation)
                from = found.upperBound
            }
            #expect(text.hasPrefix("{\"path\":"), sourceLocation: sourceLocation)
            objects.append(object)
        }
        return objects
    }

    /// The only JSON object `validate --json PATH` prints for one file.
    static func validateOne(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> (status: Int32, report: [String: Any]) {
        let r = try tapedeck(["validate", "--json", path])
        #expect(r.stderr.isEmpty, "stderr: \(r.stderr)", sourceLocation: sourceLocation)
        let lines = try jsonLines(r.stdout, sourceLocation: sourceLocation)
        try #require(lines.count == 1, "\(r.stdout)", sourceLocation: sourceLocation)
        return (r.status, lines[0])
    }

    static func reasonCodes(_ report: [String: Any]) -> [String] {
        ((report["reasons"] as? [[String: Any]]) ?? []).compactMap { $0["code"] as? String }
    }

    static func ffprobeDuration(_ path: String) throws -> Double {
        let r = try Subprocess.run("ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", path])
        let text = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        return try #require(Double(text), "ffprobe gave no duration for \(path): \(r.stderr)")
    }

    /// Seconds of audio ffmpeg decodes from an MP3 (it honours the LAME tag's
    /// encoder delay and padding), counted from its raw 16-bit mono output.
    static func decodedSeconds(_ path: String, rate: Int) throws -> Double {
        // In the temporary directory: the file may sit on a full file system.
        let raw = NSTemporaryDirectory() + "/tapedeck-decoded-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).raw"
        defer { try? FileManager.default.removeItem(atPath: raw) }
        let r = try Subprocess.run("ffmpeg", ["-v", "error", "-y", "-i", path, "-f", "s16le", "-acodec", "pcm_s16le", "-ac", "1", raw])
        try #require(r.status == 0, "ffmpeg: \(r.stderr)")
        let size = try #require(try FileManager.default.attributesOfItem(atPath: raw)[.size] as? Int)
        return Double(size / 2) / Double(rate)
    }

    static func bytes(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    static func listing(_ dir: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
    }

    /// A two-leg signal of `frames` frames (agent ramp, customer square-ish wave).
    static func signal(frames: Int) -> [Int16] {
        var s = [Int16]()
        s.reserveCapacity(2 * frames)
        for i in 0..<frames {
            s.append(Int16(truncatingIfNeeded: (i &* 131) % 20000 - 10000))
            s.append(i % 80 < 40 ? 6000 : -6000)
        }
        return s
    }

    /// Records `seconds` from a file-plugin device holding `signal` into `out`.
    static func record(_ dir: TestDirectory, to out: String, rate: Int, mode: String, bitrate: Int?,
                       seconds: String) throws -> ProcessResult {
        let frames = Int((Double(rate) * (Double(seconds) ?? 0)).rounded(.up)) + rate
        let device = "exact" + String(UUID().uuidString.prefix(8)).lowercased()
        try dir.defineFileDevice(device, raw: try dir.writeRaw(device + ".raw", samples: signal(frames: frames)))
        var args = ["record", "--device", device, "--rate", String(rate), "--mode", mode, "--duration", seconds]
        if let bitrate { args += ["--bitrate", String(bitrate)] }
        return try Subprocess.run(Binaries.tapedeck, args + [out], environment: dir.environment)
    }
}

/// A test-side Layer III frame walker, independent of TapedeckFileCheck.
enum MP3Frames {
    struct Frame { let offset: Int; let length: Int }

    static func length(_ b: [UInt8], _ i: Int) -> Int? {
        guard i >= 0, i + 4 <= b.count, b[i] == 0xFF, b[i + 1] & 0xE6 == 0xE2 else { return nil }
        let v = (b[i + 1] >> 3) & 3
        let bi = Int(b[i + 2] >> 4), si = Int((b[i + 2] >> 2) & 3)
        guard v != 1, bi > 0, bi < 15, si < 3 else { return nil }
        let br1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]
        let br2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]
        let rate = [44100, 48000, 32000][si] / (v == 3 ? 1 : v == 2 ? 2 : 4)
        let pad = Int((b[i + 2] >> 1) & 1)
        return v == 3 ? 144_000 * br1[bi] / rate + pad : 72_000 * br2[bi] / rate + pad
    }

    /// Whole frames chained from offset 0 (our writer puts no ID3 tag first).
    static func frames(_ b: [UInt8]) -> [Frame] {
        var out: [Frame] = []
        var p = 0
        while let n = length(b, p), p + n <= b.count {
            out.append(Frame(offset: p, length: n))
            p += n
        }
        return out
    }

    static func be32(_ b: [UInt8], _ i: Int) -> Int? {
        guard i >= 0, i + 4 <= b.count else { return nil }
        return Int(b[i]) << 24 | Int(b[i + 1]) << 16 | Int(b[i + 2]) << 8 | Int(b[i + 3])
    }

    /// The frame count an Info/Xing tag in the first frame declares.
    static func tagFrames(_ b: [UInt8], first: Frame) -> Int? {
        let end = min(b.count, first.offset + first.length)
        guard end >= 4 else { return nil }
        for x in first.offset..<(end - 4) where b[x] == 0x49 || b[x] == 0x58 {
            let id = String(decoding: b[x..<(x + 4)], as: UTF8.self)
            guard id == "Info" || id == "Xing", let flags = be32(b, x + 4), flags & 1 != 0 else { continue }
            return be32(b, x + 8)
        }
        return nil
    }
}

// MARK: - Our own encoders

@Suite("validate: files our own encoders make")
struct ValidateOwnRecordingsTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let rate: Int
        let mode: String
        let ext: String
        var bitrate: Int? = nil
        var testDescription: String { "\(rate) Hz \(mode) .\(ext)" + (bitrate.map { " \($0)k" } ?? "") }
        var channels: Int { mode == "stereo" ? 2 : 1 }
    }

    static let cases: [Case] = [
        Case(rate: 8000, mode: "mono", ext: "wav"),
        Case(rate: 8000, mode: "stereo", ext: "wav"),
        Case(rate: 16000, mode: "mono", ext: "wav"),
        Case(rate: 16000, mode: "stereo", ext: "wav"),
        Case(rate: 44100, mode: "mono", ext: "wav"),
        Case(rate: 44100, mode: "stereo", ext: "wav"),
        Case(rate: 8000, mode: "mono", ext: "mp3"),                 // 16k default: our own Info frame
        Case(rate: 8000, mode: "stereo", ext: "mp3"),               // 32k default: LAME's tag
        Case(rate: 8000, mode: "mono", ext: "mp3", bitrate: 8),
        Case(rate: 8000, mode: "mono", ext: "mp3", bitrate: 64),
        Case(rate: 16000, mode: "mono", ext: "mp3"),
        Case(rate: 16000, mode: "mono", ext: "mp3", bitrate: 24),
        Case(rate: 16000, mode: "stereo", ext: "mp3", bitrate: 64),
        Case(rate: 44100, mode: "mono", ext: "mp3", bitrate: 32),
        Case(rate: 44100, mode: "stereo", ext: "mp3", bitrate: 128),
        Case(rate: 44100, mode: "stereo", ext: "mp3", bitrate: 320),
    ]

    @Test("tapedeck record output validates ok with ffprobe's duration", arguments: cases)
    func recordedFileValidates(_ c: Case) throws {
        let dir = try TestDirectory("tapedeck-validate")
        let out = dir.file("call.\(c.ext)")
        let seconds = "1.3"
        let rec = try FileCheckRun.record(dir, to: out, rate: c.rate, mode: c.mode, bitrate: c.bitrate, seconds: seconds)
        try #require(rec.status == 0, "record: \(rec.stderr)")
        let (status, report) = try FileCheckRun.validateOne(out)
        #expect(status == 0)
        #expect(report["path"] as? String == out)
        #expect(report["verdict"] as? String == "ok", "\(report)")
        #expect(FileCheckRun.reasonCodes(report).isEmpty, "\(report)")
        #expect(report["format"] as? String == c.ext)
        #expect(report["sample_rate"] as? Int == c.rate)
        #expect(report["channels"] as? Int == c.channels)
        let size = try FileCheckRun.bytes(out).count
        #expect(report["file_size"] as? Int == size)
        let duration = try #require(report["duration_seconds"] as? Double, "\(report)")
        let probe = try FileCheckRun.ffprobeDuration(out)
        let wanted = Int((Double(c.rate) * 1.3).rounded())
        if c.ext == "wav" {
            #expect(report["bits_per_sample"] as? Int == 16)
            #expect(report["bitrate_kbps"] is NSNull && report["vbr"] is NSNull)
            // Exactly the frames recorded, and ffprobe within one sample frame.
            #expect(report["frames"] as? Int == wanted, "\(report)")
            #expect(abs(duration - Double(wanted) / Double(c.rate)) < 1e-6)
            #expect(abs(duration - probe) <= 1.0 / Double(c.rate) + 1e-6, "ours \(duration), ffprobe \(probe)")
        } else {
            let bitrate = c.bitrate ?? (c.channels == 1 ? 16 : 32)
            #expect(report["bitrate_kbps"] as? Int == bitrate)
            #expect(report["vbr"] as? Bool == false)
            #expect(report["bits_per_sample"] is NSNull)
            let samplesPerFrame = c.rate >= 32000 ? 1152 : 576
            let frames = MP3Frames.frames(try FileCheckRun.bytes(out))
            // Every byte is a frame; the first is the Info frame.
            #expect(frames.last.map { $0.offset + $0.length } == size)
            #expect(report["frames"] as? Int == frames.count - 1, "\(report)")
            let oneFrame = Double(samplesPerFrame) / Double(c.rate)
            // The frames are what ffprobe counts as the container's length…
            let stream = Double((frames.count - 1) * samplesPerFrame) / Double(c.rate)
            #expect(abs(stream - probe) <= oneFrame + 1e-6, "frames \(stream), ffprobe \(probe)")
            // …but the LAME tag's delay and padding give back the recorded length, which
            // is the duration reported and what a decoder plays.
            let gapless = try #require(report["gapless_duration_seconds"] as? Double, "\(report)")
            #expect(abs(gapless - Double(wanted) / Double(c.rate)) <= 1.0 / Double(c.rate) + 1e-6, "gapless \(gapless)")
            #expect(duration == gapless, "\(report)")
            let decoded = try FileCheckRun.decodedSeconds(out, rate: c.rate)
            #expect(abs(duration - decoded) <= 1.0 / Double(c.rate) + 1e-6, "ours \(duration), ffmpeg decodes \(decoded)")
        }
        // Nothing to repair.
        let before = try FileCheckRun.bytes(out)
        let repair = try FileCheckRun.tapedeck(["repair", out])
        #expect(repair.status == 0 && repair.stdout == "\(out): already ok\n", "\(repair.stdout)\(repair.stderr)")
        #expect(try FileCheckRun.bytes(out) == before)
    }

    /// MP3InfoFrame writes a 52-byte tag after the side information; at 8 kbit/s the
    /// 72-byte frame cannot hold it for stereo, and the writer traps. Recorded as a
    /// known issue of TapedeckAudio so this test starts failing once it is fixed.
    @Test("8 kbit/s stereo MP3 at 8 kHz: 72-byte frames, an Info frame with the counts only")
    func lowestBitrateStereo() throws {
        let dir = try TestDirectory("tapedeck-validate")
        let out = dir.file("call.mp3")
        let rec = try FileCheckRun.record(dir, to: out, rate: 8000, mode: "stereo", bitrate: 8, seconds: "1")
        #expect(rec.status == 0 && !rec.terminatedBySignal, "record: \(rec.stderr.prefix(200))")
        #expect(FileManager.default.fileExists(atPath: out))
        let (status, report) = try FileCheckRun.validateOne(out)
        #expect(status == 0 && report["verdict"] as? String == "ok", "\(report)")
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: out)))
        #expect(String(decoding: bytes[21..<25], as: UTF8.self) == "Info")
    }
}

// MARK: - A real killed writer

/// A recorder on a real-time PulseAudio device, SIGKILLed mid-recording: what it leaves
/// (`OUT.wav.part` / `OUT.mp3.part`) must be judged by content, and repair must give a
/// file that validates ok with all its audio.
extension PulseAudioTests {
    @Suite("validate and repair: the .part file of a SIGKILLed recorder", .serialized)
    struct ValidateKilledRecorderTests {
        /// Starts a recorder on a fresh null sink playing tones; kills it once `.part`
        /// holds `bytes`. Returns the `.part` path.
        func killedRecording(_ dir: TestDirectory, out: String, mode: String, bytes: Int) throws -> String {
            let pulse = try PulseServer.start()
            let sink = "vd" + String(UUID().uuidString.prefix(6)).lowercased()
            let module = try pulse.addNullSink(sink)
            defer { try? pulse.unloadModule(module) }
            try dir.defineALSA("pcm.station { type pulse; device \"\(sink).monitor\" }")
            let tones = dir.file("tones.wav")
            try Sox.stereoTone(tones, left: 440, right: 1000, seconds: 8)
            let player = try pulse.play(tones, sink: sink)
            defer { player.signal(SIGKILL); _ = player.wait() }
            usleep(300_000)
            let env = dir.environment.merging(pulse.environment) { a, _ in a }
            let recorder = try Subprocess.launch(Binaries.tapedeck, ["record", "--device", "station", "--mode", mode, out],
                                                 environment: env)
            let part = out + ".part"
            var grown = false
            for _ in 0..<1000 {
                if let size = try? FileManager.default.attributesOfItem(atPath: part)[.size] as? Int, size >= bytes {
                    grown = true
                    break
                }
                usleep(10_000)
            }
            recorder.signal(SIGKILL)
            let r = recorder.wait()
            try #require(grown, "\(part) never reached \(bytes) bytes: \(r.stderr)")
            #expect(r.terminatedBySignal)
            #expect(!FileManager.default.fileExists(atPath: out))
            return part
        }

        @Test("WAV: verdict from the stale header; repair keeps every whole sample frame byte for byte")
        func killedWAV() throws {
            let dir = try TestDirectory("tapedeck-killed")
            let part = try killedRecording(dir, out: dir.file("killed.wav"), mode: "stereo", bytes: 112 + 4 * 12_000)
            let original = try FileCheckRun.bytes(part)
            let wav = try WAVContents(path: part)
            try #require(wav.channels == 2 && wav.sampleRate == 8000 && wav.bitsPerSample == 16)
            let dataStart = original.count - wav.availableDataBytes
            let whole = wav.availableDataBytes / 4 * 4
            let declared = Int(wav.declaredDataSize)
            // What the header says against what is there decides the verdict.
            let expected: (verdict: String, code: String?)
            if declared == wav.availableDataBytes {
                expected = ("ok", nil)                        // killed right after a header update
            } else if declared == whole {
                expected = ("warning", "trailing-bytes")      // only a partial frame after the data
            } else if declared == 0 {
                expected = ("broken", "data-size-placeholder")
            } else {
                expected = ("broken", declared < whole ? "data-under-declared" : "data-truncated")
            }
            let (status, report) = try FileCheckRun.validateOne(part)
            #expect(report["format"] as? String == "wav", "a .wav.part is judged by content: \(report)")
            #expect(report["verdict"] as? String == expected.verdict, "declared \(declared) of \(wav.availableDataBytes): \(report)")
            if let code = expected.code { #expect(FileCheckRun.reasonCodes(report).contains(code), "\(report)") }
            #expect(status == (expected.verdict == "broken" ? 1 : 0))
            #expect(report["frames"] as? Int == whole / 4, "all audio present is counted: \(report)")

            let outDir = dir.file("repaired")
            try FileManager.default.createDirectory(atPath: outDir, withIntermediateDirectories: true)
            let repair = try FileCheckRun.tapedeck(["repair", "--output", outDir, part])
            #expect(repair.status == 0, "\(repair.stdout)\(repair.stderr)")
            #expect(try FileCheckRun.bytes(part) == original, "--output must leave the original alone")
            if expected.verdict == "ok" {
                #expect(repair.stdout == "\(part): already ok\n")
                #expect(FileCheckRun.listing(outDir).isEmpty)
                return
            }
            let repaired = outDir + "/killed.wav.part"
            #expect(repair.stdout.hasPrefix("\(part): repaired: ") && repair.stdout.contains(" → \(repaired)"), "\(repair.stdout)")
            #expect(FileCheckRun.listing(outDir) == ["killed.wav.part"], "no temporary file left behind")
            let (afterStatus, after) = try FileCheckRun.validateOne(repaired)
            #expect(afterStatus == 0 && after["verdict"] as? String == "ok", "\(after)")
            #expect(after["frames"] as? Int == whole / 4)
            let fixed = try FileCheckRun.bytes(repaired)
            let fixedWAV = try WAVContents(path: repaired)
            #expect(Int(fixedWAV.declaredDataSize) == whole && fixedWAV.availableDataBytes == whole)
            #expect(Int(fixedWAV.declaredRIFFSize) == fixed.count - 8)
            let fixedStart = fixed.count - fixedWAV.availableDataBytes
            #expect(Array(fixed[fixedStart...]) == Array(original[dataStart..<(dataStart + whole)]), "sample bytes changed")
            #expect(fixedStart == dataStart, "the header keeps its layout")
            let probe = try FileCheckRun.ffprobeDuration(repaired)
            #expect(abs(probe - Double(whole / 4) / 8000) <= 1.0 / 8000 + 1e-6, "ffprobe \(probe)")
        }

        @Test("MP3: verdict from the stale Info tag; repair keeps every whole frame byte for byte",
              arguments: ["mono", "stereo"])  // 16 kbit/s mono: our Info frame; 32 kbit/s stereo: LAME's
        func killedMP3(mode: String) throws {
            let dir = try TestDirectory("tapedeck-killed")
            let bytesPerSecond = mode == "mono" ? 2000 : 4000
            let part = try killedRecording(dir, out: dir.file("killed.mp3"), mode: mode, bytes: bytesPerSecond * 3 / 2)
            let original = try FileCheckRun.bytes(part)
            let frames = MP3Frames.frames(original)
            try #require(frames.count > 3)
            let chainEnd = frames[frames.count - 1].offset + frames[frames.count - 1].length
            let declared = try #require(MP3Frames.tagFrames(original, first: frames[0]), "no Info tag with a frame count")
            let audio = frames.count - 1
            let expected: (verdict: String, code: String?)
            if chainEnd < original.count {
                expected = ("broken", "truncated-last-frame")
            } else if declared < audio {
                expected = ("warning", "xing-frame-count-mismatch")   // tag not updated since the last checkpoint
            } else if declared == audio {
                expected = ("ok", nil)
            } else {
                expected = ("broken", "xing-frame-count-mismatch")
            }
            let (status, report) = try FileCheckRun.validateOne(part)
            #expect(report["format"] as? String == "mp3", "a .mp3.part is judged by content: \(report)")
            #expect(report["verdict"] as? String == expected.verdict, "tag \(declared) frames, stream \(audio): \(report)")
            if let code = expected.code { #expect(FileCheckRun.reasonCodes(report).contains(code), "\(report)") }
            #expect(status == (expected.verdict == "broken" ? 1 : 0))
            #expect(report["frames"] as? Int == audio, "\(report)")

            let outDir = dir.file("repaired")
            try FileManager.default.createDirectory(atPath: outDir, withIntermediateDirectories: true)
            let repair = try FileCheckRun.tapedeck(["repair", "-o", outDir, part])
            #expect(repair.status == 0, "\(repair.stdout)\(repair.stderr)")
            #expect(try FileCheckRun.bytes(part) == original, "--output must leave the original alone")
            if expected.verdict == "ok" {
                #expect(repair.stdout == "\(part): already ok\n")
                return
            }
            let repaired = outDir + "/killed.mp3.part"
            #expect(FileCheckRun.listing(outDir) == ["killed.mp3.part"])
            let (afterStatus, after) = try FileCheckRun.validateOne(repaired)
            #expect(afterStatus == 0 && after["verdict"] as? String == "ok", "\(after)")
            #expect(after["frames"] as? Int == audio)
            let fixed = try FileCheckRun.bytes(repaired)
            let fixedFrames = MP3Frames.frames(fixed)
            #expect(fixedFrames.count == frames.count && fixed.count == chainEnd, "every whole frame kept, nothing else")
            #expect(MP3Frames.tagFrames(fixed, first: fixedFrames[0]) == audio, "Info tag counts the frames")
            let audioStart = frames[1].offset
            #expect(Array(fixed[audioStart...]) == Array(original[audioStart..<chainEnd]), "audio frames changed")
            let probe = try FileCheckRun.ffprobeDuration(repaired)
            #expect(abs(probe - Double(audio * 576) / 8000) <= 576.0 / 8000 + 1e-6, "ffprobe \(probe)")
            // The duration is what a decoder plays: the frames less the encoder delay
            // and decoder delay (the end padding went with the lost end).
            let duration = try #require(after["duration_seconds"] as? Double)
            #expect(after["gapless_duration_seconds"] as? Double == duration, "\(after)")
            #expect(duration < Double(audio * 576) / 8000)
            let decoded = try FileCheckRun.decodedSeconds(repaired, rate: 8000)
            #expect(abs(duration - decoded) <= 1.0 / 8000 + 1e-6, "ours \(duration), ffmpeg decodes \(decoded)")
        }
    }
}

// MARK: - The command-line contract

@Suite("validate and repair: exit codes, table, JSON, walking, dry runs")
struct ValidateCLITests {
    /// a.wav (8 kHz mono, 1 s, ok), b.mp3 (16 kHz stereo 64k, ok), c.wav (a.wav with a
    /// 0 data size: broken), notes.txt (not audio, not walked).
    func sampleFiles(_ dir: TestDirectory, in sub: String = "") throws -> (a: String, b: String, c: String) {
        let base = sub.isEmpty ? dir.path : dir.file(sub)
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        let a = base + "/a.wav", b = base + "/b.mp3", c = base + "/c.wav"
        let ra = try FileCheckRun.record(dir, to: a, rate: 8000, mode: "mono", bitrate: nil, seconds: "1")
        let rb = try FileCheckRun.record(dir, to: b, rate: 16000, mode: "stereo", bitrate: 64, seconds: "1")
        try #require(ra.status == 0 && rb.status == 0, "\(ra.stderr)\(rb.stderr)")
        var bytes = try FileCheckRun.bytes(a)
        let data = try #require((12..<(bytes.count - 8)).first { bytes[$0] == 0x64 && Array(bytes[$0..<($0 + 4)]) == Array("data".utf8) })
        for k in 4..<8 { bytes[data + k] = 0 }
        try Data(bytes).write(to: URL(fileURLWithPath: c))
        try Data("not audio\n".utf8).write(to: URL(fileURLWithPath: base + "/notes.txt"))
        return (a, b, c)
    }

    @Test("the table: exact header, rows and summary; exit 1 when a file is broken, 0 otherwise")
    func table() throws {
        let dir = try TestDirectory("tapedeck-cli")
        let (a, b, c) = try sampleFiles(dir)
        let mp3Duration = try FileCheckRun.decodedSeconds(b, rate: 16000)
        let mp3Cell = String(format: "%.3f s", mp3Duration)
        #expect(mp3Cell.count == 7)
        let width = [a, b, c].map(\.count).max() ?? 0
        func pad(_ s: String) -> String { s + String(repeating: " ", count: width - s.count) }
        let expected = [
            pad("FILE") + "  FORMAT  RATE   CH  BITS/BITRATE  DURATION  VERDICT  REASONS",
            pad(a) + "  wav     8000   1   16 bit        1.000 s   ok",
            pad(b) + "  mp3     16000  2   64k CBR       \(mp3Cell)   ok",
            pad(c) + "  wav     8000   1   16 bit        1.000 s   broken   data chunk size is 0, the placeholder of a writer"
                + " that never finished, but 16000 bytes of audio follow: header never updated",
            "3 files: 2 ok, 0 warning, 1 broken",
        ].joined(separator: "\n") + "\n"
        let all = try FileCheckRun.tapedeck(["validate", dir.path])
        #expect(all.status == 1)
        #expect(all.stdout == expected, "got:\n\(all.stdout)\nwanted:\n\(expected)")
        #expect(all.stderr.isEmpty, "no progress line when stderr is not a terminal: \(all.stderr)")

        let good = try FileCheckRun.tapedeck(["validate", a, b])
        #expect(good.status == 0)
        let lines = good.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 4 && lines.last == "2 files: 2 ok, 0 warning, 0 broken", "\(good.stdout)")
        // A file named on the command line is checked whatever its name.
        let notes = try FileCheckRun.tapedeck(["validate", dir.file("notes.txt")])
        #expect(notes.status == 1 && notes.stdout.hasSuffix("1 file: 0 ok, 0 warning, 1 broken\n"), "\(notes.stdout)")
    }

    @Test("--json: one object per file per line, documented keys in a stable order, values that match the files")
    func json() throws {
        let dir = try TestDirectory("tapedeck-cli")
        let (a, b, c) = try sampleFiles(dir)
        let r = try FileCheckRun.tapedeck(["validate", "--json", dir.path])
        #expect(r.status == 1)
        let objects = try FileCheckRun.jsonLines(r.stdout)
        #expect(objects.map { $0["path"] as? String } == [a, b, c])
        #expect(objects.map { $0["verdict"] as? String } == ["ok", "ok", "broken"])
        #expect(objects[0]["frames"] as? Int == 8000 && objects[0]["duration_seconds"] as? Double == 1.0)
        #expect(objects[0]["file_size"] as? Int == (try FileCheckRun.bytes(a)).count)
        #expect(objects[1]["format"] as? String == "mp3" && objects[1]["bitrate_kbps"] as? Int == 64)
        let reasons = try #require(objects[2]["reasons"] as? [[String: Any]])
        #expect(reasons.count == 1)
        #expect(reasons.first?["severity"] as? String == "broken")
        #expect(reasons.first?["code"] as? String == "data-size-placeholder")
        // The same run twice gives the same bytes (stable keys and formatting).
        let again = try FileCheckRun.tapedeck(["validate", "--json", dir.path])
        #expect(again.stdout == r.stdout)
    }

    @Test("--recursive descends in name order; without it only the top directory; .part files are not walked")
    func recursive() throws {
        let dir = try TestDirectory("tapedeck-cli")
        let (a, _, _) = try sampleFiles(dir, in: "tree")
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir.file("tree/sub/deeper"), withIntermediateDirectories: true)
        try fm.copyItem(atPath: a, toPath: dir.file("tree/sub/deeper/d.WAV"))
        try fm.copyItem(atPath: a, toPath: dir.file("tree/sub/e.wav"))
        try fm.copyItem(atPath: a, toPath: dir.file("tree/live.wav.part"))
        let root = dir.file("tree")
        func paths(_ args: [String]) throws -> [String] {
            let r = try FileCheckRun.tapedeck(["validate", "--json"] + args + [root])
            return try FileCheckRun.jsonLines(r.stdout).compactMap { $0["path"] as? String }
        }
        #expect(try paths([]) == ["a.wav", "b.mp3", "c.wav"].map { root + "/" + $0 })
        let deep = ["a.wav", "b.mp3", "c.wav", "sub/e.wav", "sub/deeper/d.WAV"].map { root + "/" + $0 }
        #expect(try paths(["--recursive"]) == deep)
        #expect(try paths(["-r"]) == deep)
        // Named explicitly, a .part file is checked (by content).
        let (_, part) = try FileCheckRun.validateOne(root + "/live.wav.part")
        #expect(part["format"] as? String == "wav" && part["verdict"] as? String == "ok", "\(part)")
    }

    @Test("usage errors exit 2 with one line on stderr and nothing on stdout")
    func usageErrors() throws {
        let dir = try TestDirectory("tapedeck-cli")
        let (a, _, c) = try sampleFiles(dir)
        let missing = dir.file("no-such.wav")
        let cases: [([String], String)] = [
            (["validate", missing], "tapedeck validate: \(missing): no such file or directory"),
            (["validate", a, missing], "tapedeck validate: \(missing): no such file or directory"),
            (["validate"], "tapedeck validate: no path given"),
            (["validate", "--bogus", a], "tapedeck validate: unknown option '--bogus'"),
            (["repair", missing], "tapedeck repair: \(missing): no such file or directory"),
            (["repair"], "tapedeck repair: no path given"),
            (["repair", "--output", dir.file("nodir"), c], "tapedeck repair: --output \(dir.file("nodir")): not a directory"),
            (["repair", "--output", a, c], "tapedeck repair: --output \(a): not a directory"),
            (["repair", "--frobnicate", c], "tapedeck repair: unknown option '--frobnicate'"),
        ]
        let before = try FileCheckRun.bytes(c)
        for (args, message) in cases {
            let r = try FileCheckRun.tapedeck(args)
            #expect(r.status == 2, "\(args): \(r.status) \(r.stderr)")
            #expect(r.stderr == message + "\n", "\(args): \(r.stderr)")
            #expect(r.stdout.isEmpty, "\(args): \(r.stdout)")
        }
        #expect(try FileCheckRun.bytes(c) == before, "a usage error repairs nothing")
    }

    @Test("repair: --dry-run changes nothing; an ok file is reported and left untouched; exit codes 0 and 1")
    func repairContract() throws {
        let dir = try TestDirectory("tapedeck-cli")
        let (a, b, c) = try sampleFiles(dir)
        let listing = FileCheckRun.listing(dir.path)
        let originals = try [a, b, c].map { try FileCheckRun.bytes($0) }
        func mtime(_ p: String) throws -> Date? { try FileManager.default.attributesOfItem(atPath: p)[.modificationDate] as? Date }
        let aTime = try mtime(a)

        let dry = try FileCheckRun.tapedeck(["repair", "--dry-run", c, a])
        #expect(dry.status == 0, "\(dry.stdout)\(dry.stderr)")
        #expect(dry.stdout == "\(c): would repair: data size 0 → 16000 bytes (8000 frames)\n\(a): already ok\n", "\(dry.stdout)")
        #expect(try [a, b, c].map { try FileCheckRun.bytes($0) } == originals, "--dry-run wrote something")
        #expect(FileCheckRun.listing(dir.path) == listing, "--dry-run left a file behind")

        let ok = try FileCheckRun.tapedeck(["repair", a, b])
        #expect(ok.status == 0 && ok.stdout == "\(a): already ok\n\(b): already ok\n", "\(ok.stdout)")
        #expect(try FileCheckRun.bytes(a) == originals[0] && FileCheckRun.bytes(b) == originals[1])
        #expect(try mtime(a) == aTime, "an ok file is not rewritten")

        let fix = try FileCheckRun.tapedeck(["repair", c])
        #expect(fix.status == 0 && fix.stdout == "\(c): repaired: data size 0 → 16000 bytes (8000 frames)\n", "\(fix.stdout)")
        #expect(try FileCheckRun.bytes(c) == originals[0], "c.wav was a.wav with its data size zeroed")
        #expect(FileCheckRun.listing(dir.path) == listing, "no temporary file left behind")
        let now = try FileCheckRun.tapedeck(["validate", dir.path])
        #expect(now.status == 0 && now.stdout.hasSuffix("3 files: 3 ok, 0 warning, 0 broken\n"), "\(now.stdout)")

        // Refused (not audio) and a directory: exit 1, nothing changed.
        let refused = try FileCheckRun.tapedeck(["repair", dir.file("notes.txt"), a])
        #expect(refused.status == 1, "\(refused.stdout)")
        #expect(refused.stdout.hasPrefix("\(dir.file("notes.txt")): refused: "), "\(refused.stdout)")
        #expect(refused.stdout.hasSuffix("\(a): already ok\n"), "\(refused.stdout)")
        #expect(try FileCheckRun.bytes(dir.file("notes.txt")) == Array("not audio\n".utf8))
        let directory = try FileCheckRun.tapedeck(["repair", dir.path])
        #expect(directory.status == 1 && directory.stdout == "\(dir.path): refused: is a directory (repair takes files)\n")
    }

    /// Runs `tapedeck ARGS` on a FIFO and waits (30 s at most) for it to end. Had it
    /// opened the FIFO for reading it would block for ever, so past the deadline a
    /// writer is opened to release it and the test fails.
    func runOnFIFO(_ args: [String], fifo: String) throws -> (status: Int32, stdout: String, stderr: String) {
        let p = try Subprocess.launch(Binaries.tapedeck, args)
        let deadline = Date().addingTimeInterval(30)
        var status: Int32 = 0
        var ended = false
        while !ended && Date() < deadline {
            ended = waitpid(p.pid, &status, WNOHANG) == p.pid
            if !ended { usleep(20_000) }  // polling interval, not a wait for an event
        }
        if !ended {
            let w = open(fifo, O_WRONLY | O_NONBLOCK)
            if w >= 0 { close(w) }
            Issue.record("tapedeck \(args.joined(separator: " ")) did not return within 30 s on a FIFO")
            let r = p.wait()
            return (r.status, r.stdout, r.stderr)
        }
        let out = p.stdoutSoFar, err = p.stderrSoFar
        _ = p.wait()  // already reaped: only collects the output files
        return ((status >> 8) & 0xFF, out, err)
    }

    @Test("a FIFO given to validate or repair is refused at once with a clear line and exit status 1")
    func fifoRefused() throws {
        let dir = try TestDirectory("tapedeck-cli")
        let fifo = dir.file("pipe.mp3")
        try #require(mkfifo(fifo, 0o644) == 0)
        let message = "\(fifo) is a FIFO, not a regular file: not read"
        func pad(_ s: String) -> String { s + String(repeating: " ", count: max(0, fifo.count - s.count)) }
        let v = try runOnFIFO(["validate", fifo], fifo: fifo)
        #expect(v.status == 1, "\(v.stdout)\(v.stderr)")
        #expect(v.stdout == [pad("FILE") + "  FORMAT   RATE  CH  BITS/BITRATE  DURATION  VERDICT  REASONS",
                             pad(fifo) + "  unknown  -     -   -             -         broken   " + message,
                             "1 file: 0 ok, 0 warning, 1 broken", ""].joined(separator: "\n"), "\(v.stdout)")
        let j = try runOnFIFO(["validate", "--json", fifo], fifo: fifo)
        #expect(j.status == 1)
        let report = try #require(try FileCheckRun.jsonLines(j.stdout).first)
        #expect(FileCheckRun.reasonCodes(report) == ["not-regular-file"], "\(j.stdout)")
        let r = try runOnFIFO(["repair", fifo], fifo: fifo)
        #expect(r.status == 1 && r.stdout == "\(fifo): refused: \(message)\n", "\(r.stdout)\(r.stderr)")
    }

    @Test("a file name holding ESC and a newline is shown escaped in the table: exact output")
    func controlCharactersEscaped() throws {
        let dir = try TestDirectory("tapedeck-cli")
        let (a, _, _) = try sampleFiles(dir)
        let evil = dir.file("x\u{1B}[2J\nforged.wav  wav  8000  1  16 bit  1.000 s  ok")
        try FileManager.default.copyItem(atPath: a, toPath: evil)
        let shown = dir.path + "/x\\x1B[2J\\nforged.wav  wav  8000  1  16 bit  1.000 s  ok"
        let v = try FileCheckRun.tapedeck(["validate", evil])
        #expect(v.status == 0)
        #expect(v.stdout == ["FILE" + String(repeating: " ", count: shown.count - 4) + "  FORMAT  RATE  CH  BITS/BITRATE  DURATION  VERDICT  REASONS",
                             shown + "  wav     8000  1   16 bit        1.000 s   ok",
                             "1 file: 1 ok, 0 warning, 0 broken", ""].joined(separator: "\n"), "\(v.stdout)")
        #expect(!v.stdout.contains("\u{1B}"))
        // --json keeps the exact name.
        let j = try FileCheckRun.tapedeck(["validate", "--json", evil])
        #expect(try FileCheckRun.jsonLines(j.stdout).first?["path"] as? String == evil)
        // repair's lines too.
        let r = try FileCheckRun.tapedeck(["repair", evil])
        #expect(r.stdout == "\(shown): already ok\n", "\(r.stdout)")
    }

    @Test("an MP3 made by ffmpeg at 24 kbit/s (MPEG-2.5, its own LAME tag CRC) validates ok and --json says which CRC")
    func ffmpegFileIsOK() throws {
        let dir = try TestDirectory("tapedeck-cli")
        let out = dir.file("ffmpeg.mp3")
        let f = try Subprocess.run("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=8000:duration=5",
                                              "-c:a", "libmp3lame", "-b:a", "24k", out])
        try #require(f.status == 0, "ffmpeg: \(f.stderr)")
        let (status, report) = try FileCheckRun.validateOne(out)
        #expect(status == 0 && report["verdict"] as? String == "ok", "\(report)")
        #expect(report["lame_tag_crc"] as? String == "ffmpeg", "\(report)")
        #expect(report["duration_seconds"] as? Double == 5.0, "\(report)")
        let table = try FileCheckRun.tapedeck(["validate", out])
        #expect(table.stdout.hasSuffix("1 file: 1 ok, 0 warning, 0 broken\n"), "\(table.stdout)")
    }
}
