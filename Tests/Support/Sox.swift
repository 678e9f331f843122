import Foundation

/// Test signals made with sox.
public enum Sox {
    /// A stereo WAV with `left` Hz on the left and `right` Hz on the right.
    public static func stereoTone(_ path: String, left: Double, right: Double, seconds: Double,
                                  rate: Int = 8000, volume: Double = 0.5) throws {
        let r = try Subprocess.run("sox", ["-n", "-r", String(rate), "-c", "2", "-b", "16", path,
                                           "synth", String(seconds), "sine", String(left), "sine", String(right),
                                           "vol", String(volume)])
        guard r.status == 0 else { throw Subprocess.MissingTool(name: "sox (failed: \(r.stderr))") }
    }

    /// Decodes any audio file to interleaved S16 samples with ffmpeg: (samples, channels, rate).
    public static func decode(_ path: String) throws -> (samples: [Int16], channels: Int, rate: Int) {
        let probe = try Subprocess.run("ffprobe", ["-v", "error", "-select_streams", "a:0", "-show_entries",
                                                   "stream=channels,sample_rate", "-of", "csv=p=0", path])
        let parts = probe.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ",")
        guard probe.status == 0, parts.count == 2, let rate = Int(parts[0]), let channels = Int(parts[1]) else {
            throw WAVContents.ParseError.notWAV("ffprobe cannot read \(path): \(probe.stderr)")
        }
        let raw = path + ".decoded.raw"
        let r = try Subprocess.run("ffmpeg", ["-v", "error", "-y", "-i", path, "-f", "s16le", "-acodec", "pcm_s16le", raw])
        guard r.status == 0 else { throw WAVContents.ParseError.notWAV("ffmpeg cannot decode \(path): \(r.stderr)") }
        let data = try Data(contentsOf: URL(fileURLWithPath: raw))
        let samples = data.withUnsafeBytes { Array($0.bindMemory(to: Int16.self)) }
        return (samples, channels, rate)
    }
}
