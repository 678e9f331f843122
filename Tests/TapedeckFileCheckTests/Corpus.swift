import Foundation
@testable import TapedeckFileCheck

/// One good file of the test corpus and what it must be reported as.
struct GoodFile: Sendable {
    let name: String
    let writer: String
    let format: AudioFileFormat
    let sampleRate: Int
    let channels: Int
    /// WAV: bits per sample.
    var bits: Int? = nil
    /// MP3: CBR bitrate (nil for VBR).
    var bitrate: Int? = nil
    var vbr: Bool = false
}

/// The corpus of good files, generated once per test run with real tools
/// (sox, lame, ffmpeg, libsndfile's sndfile-convert) and with a WAV writer
/// of our own; tests copy files out of it before changing them.
enum Corpus {
    static let wavFiles: [GoodFile] = [
        GoodFile(name: "sox-8k-mono-16.wav", writer: "sox", format: .wav, sampleRate: 8000, channels: 1, bits: 16),
        GoodFile(name: "sox-8k-stereo-16.wav", writer: "sox", format: .wav, sampleRate: 8000, channels: 2, bits: 16),
        GoodFile(name: "sox-44k-stereo-24.wav", writer: "sox", format: .wav, sampleRate: 44100, channels: 2, bits: 24),
        GoodFile(name: "sox-48k-mono-float.wav", writer: "sox", format: .wav, sampleRate: 48000, channels: 1, bits: 32),
        GoodFile(name: "sox-8k-mono-u8-odd.wav", writer: "sox", format: .wav, sampleRate: 8000, channels: 1, bits: 8),
        GoodFile(name: "sox-8k-mono-alaw.wav", writer: "sox", format: .wav, sampleRate: 8000, channels: 1, bits: 8),
        GoodFile(name: "ffmpeg-16k-stereo-16.wav", writer: "ffmpeg", format: .wav, sampleRate: 16000, channels: 2, bits: 16),
        GoodFile(name: "ffmpeg-48k-rf64.wav", writer: "ffmpeg", format: .rf64, sampleRate: 48000, channels: 2, bits: 16),
        GoodFile(name: "ffmpeg-22k-rf64auto.wav", writer: "ffmpeg", format: .wav, sampleRate: 22050, channels: 1, bits: 16),
        GoodFile(name: "sndfile-32k-stereo-16.wav", writer: "libsndfile", format: .wav, sampleRate: 32000, channels: 2, bits: 16),
        GoodFile(name: "sndfile-44k-stereo.rf64", writer: "libsndfile", format: .rf64, sampleRate: 44100, channels: 2, bits: 16),
        GoodFile(name: "sndfile-16k-mono-float.wav", writer: "libsndfile", format: .wav, sampleRate: 16000, channels: 1, bits: 32),
        GoodFile(name: "own-16k-mono-16.wav", writer: "tapedeck test writer", format: .wav, sampleRate: 16000, channels: 1, bits: 16),
    ]

    static let mp3Files: [GoodFile] = [
        GoodFile(name: "lame-8k-mono-16k.mp3", writer: "lame", format: .mp3, sampleRate: 8000, channels: 1, bitrate: 16),
        GoodFile(name: "lame-22k-stereo-v5.mp3", writer: "lame", format: .mp3, sampleRate: 22050, channels: 2, vbr: true),
        GoodFile(name: "lame-44k-stereo-128-id3v2.mp3", writer: "lame", format: .mp3, sampleRate: 44100, channels: 2, bitrate: 128),
        GoodFile(name: "lame-32k-mono-64-id3v1.mp3", writer: "lame", format: .mp3, sampleRate: 32000, channels: 1, bitrate: 64),
        GoodFile(name: "lame-24k-stereo-64-crc.mp3", writer: "lame", format: .mp3, sampleRate: 24000, channels: 2, bitrate: 64),
        GoodFile(name: "lame-16k-mono-32-notag.mp3", writer: "lame", format: .mp3, sampleRate: 16000, channels: 1, bitrate: 32),
        GoodFile(name: "lame-11k-mono-32-ape.mp3", writer: "lame", format: .mp3, sampleRate: 11025, channels: 1, bitrate: 32),
        GoodFile(name: "lame-48k-stereo-v2-tags.mp3", writer: "lame", format: .mp3, sampleRate: 48000, channels: 2, vbr: true),
        GoodFile(name: "ffmpeg-48k-stereo-96.mp3", writer: "ffmpeg", format: .mp3, sampleRate: 48000, channels: 2, bitrate: 96),
        GoodFile(name: "ffmpeg-44k-stereo-q4.mp3", writer: "ffmpeg", format: .mp3, sampleRate: 44100, channels: 2, vbr: true),
        GoodFile(name: "sndfile-44k-stereo.mp3", writer: "libsndfile", format: .mp3, sampleRate: 44100, channels: 2, vbr: true),
        // MPEG-2.5 and MPEG-2 at 24 kbit/s: ffmpeg's LAME tag CRC covers a fixed 190 bytes.
        GoodFile(name: "ffmpeg-8k-mono-24.mp3", writer: "ffmpeg", format: .mp3, sampleRate: 8000, channels: 1, bitrate: 24),
        GoodFile(name: "ffmpeg-16k-stereo-24.mp3", writer: "ffmpeg", format: .mp3, sampleRate: 16000, channels: 2, bitrate: 24),
    ]

    static var all: [GoodFile] { wavFiles + mp3Files }

    /// The generated directory, or the error that stopped generation.
    static let generated: Result<String, ToolError> = {
        do {
            return .success(try generate())
        } catch let e as ToolError {
            return .failure(e)
        } catch {
            return .failure(ToolError(description: "corpus generation failed: \(error)"))
        }
    }()

    /// Path of a good file (throws a clear error if a tool was missing).
    static func path(_ name: String) throws -> String {
        switch generated {
        case .success(let dir): return dir + "/" + name
        case .failure(let e): throw e
        }
    }

    /// Copies a corpus file into a test's own directory.
    static func copy(_ name: String, to dir: TempDir, as newName: String? = nil) throws -> String {
        let dest = dir.file(newName ?? name)
        try FileManager.default.copyItem(atPath: try path(name), toPath: dest)
        return dest
    }

    static func good(_ name: String) -> GoodFile? { all.first { $0.name == name } }

    private static func generate() throws -> String {
        removeStaleCorpora()
        let dir = NSTemporaryDirectory() + "tapedeck-filecheck-corpus-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        func p(_ n: String) -> String { dir + "/" + n }
        func tone(_ name: String, rate: Int, channels: Int, seconds: String = "2", extra: [String] = []) throws -> String {
            let out = p(name)
            // -R: repeatable mode. Without it sox seeds its dither randomly, so
            // every run would encode different MP3 frames (VBR frame sizes
            // change) and seeded cut offsets would not reproduce.
            var args = ["-R", "-n", "-r", "\(rate)", "-c", "\(channels)"] + extra + [out, "synth", seconds, "sine", "440"]
            if channels == 2 { args += ["sine", "1000"] }
            try Tool.run("sox", args)
            return out
        }
        // WAV from sox.
        _ = try tone("sox-8k-mono-16.wav", rate: 8000, channels: 1, extra: ["-b", "16"])
        _ = try tone("sox-8k-stereo-16.wav", rate: 8000, channels: 2, extra: ["-b", "16"])
        _ = try tone("sox-44k-stereo-24.wav", rate: 44100, channels: 2, seconds: "1", extra: ["-b", "24"])
        _ = try tone("sox-48k-mono-float.wav", rate: 48000, channels: 1, seconds: "1", extra: ["-e", "floating-point", "-b", "32"])
        _ = try tone("sox-8k-mono-u8-odd.wav", rate: 8000, channels: 1, seconds: "1.000125", extra: ["-b", "8"])
        _ = try tone("sox-8k-mono-alaw.wav", rate: 8000, channels: 1, seconds: "1", extra: ["-e", "a-law"])
        // Sources for the other writers.
        let src16k = try tone("src-16k-stereo.wav", rate: 16000, channels: 2, extra: ["-b", "16"])
        let src48k = try tone("src-48k-stereo.wav", rate: 48000, channels: 2, seconds: "1", extra: ["-b", "16"])
        let src22k = try tone("src-22k-mono.wav", rate: 22050, channels: 1, extra: ["-b", "16"])
        let src32k = try tone("src-32k-stereo.wav", rate: 32000, channels: 2, extra: ["-b", "16"])
        let src44k = try tone("src-44k-stereo.wav", rate: 44100, channels: 2, extra: ["-b", "16"])
        let src16km = try tone("src-16k-mono.wav", rate: 16000, channels: 1, extra: ["-b", "16"])
        let src8km = try tone("src-8k-mono.wav", rate: 8000, channels: 1, extra: ["-b", "16"])
        let src32km = try tone("src-32k-mono.wav", rate: 32000, channels: 1, extra: ["-b", "16"])
        let src24k = try tone("src-24k-stereo.wav", rate: 24000, channels: 2, extra: ["-b", "16"])
        let src11km = try tone("src-11k-mono.wav", rate: 11025, channels: 1, extra: ["-b", "16"])
        let src22ks = try tone("src-22k-stereo.wav", rate: 22050, channels: 2, extra: ["-b", "16"])
        let q = ["-v", "error", "-y", "-i"]
        try Tool.run("ffmpeg", q + [src16k, "-c:a", "pcm_s16le", p("ffmpeg-16k-stereo-16.wav")])
        try Tool.run("ffmpeg", q + [src48k, "-c:a", "pcm_s16le", "-rf64", "always", p("ffmpeg-48k-rf64.wav")])
        try Tool.run("ffmpeg", q + [src22k, "-c:a", "pcm_s16le", "-rf64", "auto", p("ffmpeg-22k-rf64auto.wav")])
        try Tool.run("sndfile-convert", ["-pcm16", src32k, p("sndfile-32k-stereo-16.wav")])
        try Tool.run("sndfile-convert", ["-pcm16", src44k, p("sndfile-44k-stereo.rf64")])
        try Tool.run("sndfile-convert", ["-float32", src16km, p("sndfile-16k-mono-float.wav")])
        try Bytes.write(OwnWAVWriter.sine(rate: 16000, channels: 1, seconds: 1.5), p("own-16k-mono-16.wav"))

        // MP3.
        try Tool.run("lame", ["-S", "-b", "16", "-m", "m", src8km, p("lame-8k-mono-16k.mp3")])
        try Tool.run("lame", ["-S", "-V", "5", src22ks, p("lame-22k-stereo-v5.mp3")])
        try Tool.run("lame", ["-S", "-b", "128", "--tt", "title", "--add-id3v2", src44k, p("lame-44k-stereo-128-id3v2.mp3")])
        try Tool.run("lame", ["-S", "-b", "64", "-m", "m", "--id3v1-only", "--tt", "title", src32km, p("lame-32k-mono-64-id3v1.mp3")])
        try Tool.run("lame", ["-S", "-p", "-b", "64", src24k, p("lame-24k-stereo-64-crc.mp3")])
        try Tool.run("lame", ["-S", "-t", "-b", "32", "-m", "m", src16km, p("lame-16k-mono-32-notag.mp3")])
        try Tool.run("lame", ["-S", "-b", "32", "-m", "m", "--id3v1-only", "--ta", "artist", src11km, p("lame-11k-mono-32-ape.mp3")])
        try APETag.insert(into: p("lame-11k-mono-32-ape.mp3"))
        try Tool.run("lame", ["-S", "-V", "2", "--tt", "both", "--add-id3v2", src48k, p("lame-48k-stereo-v2-tags.mp3")])
        try Tool.run("ffmpeg", q + [src48k, "-c:a", "libmp3lame", "-b:a", "96k", p("ffmpeg-48k-stereo-96.mp3")])
        try Tool.run("ffmpeg", q + [src44k, "-c:a", "libmp3lame", "-q:a", "4", p("ffmpeg-44k-stereo-q4.mp3")])
        try Tool.run("sndfile-convert", [src44k, p("sndfile-44k-stereo.mp3")])
        try Tool.run("ffmpeg", q + [src8km, "-c:a", "libmp3lame", "-b:a", "24k", p("ffmpeg-8k-mono-24.mp3")])
        try Tool.run("ffmpeg", q + [src16k, "-c:a", "libmp3lame", "-b:a", "24k", p("ffmpeg-16k-stereo-24.mp3")])
        return dir
    }
}

extension Corpus {
    /// Removes corpora left by earlier test processes that have exited (a
    /// test run cannot clean up after its last test).
    static func removeStaleCorpora() {
        let tmp = NSTemporaryDirectory()
        let fm = FileManager.default
        for name in (try? fm.contentsOfDirectory(atPath: tmp)) ?? [] where name.hasPrefix("tapedeck-filecheck-corpus-") {
            let parts = name.split(separator: "-")
            guard parts.count >= 5, let pid = Int32(parts[3]), pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH {
                try? fm.removeItem(atPath: tmp + "/" + name)
            }
        }
    }
}

/// A minimal canonical 44-byte-header PCM WAV writer, standing in for the
/// daemon's own encoder (the test target cannot link TapedeckAudio).
enum OwnWAVWriter {
    static func sine(rate: Int, channels: Int, seconds: Double) -> [UInt8] {
        let frames = Int(Double(rate) * seconds)
        var pcm: [UInt8] = []
        pcm.reserveCapacity(frames * channels * 2)
        for i in 0..<frames {
            let v = Int16(8000 * sin(2 * Double.pi * 440 * Double(i) / Double(rate)))
            for _ in 0..<channels {
                pcm.append(UInt8(truncatingIfNeeded: v))
                pcm.append(UInt8(truncatingIfNeeded: v >> 8))
            }
        }
        return header(rate: rate, channels: channels, dataBytes: pcm.count) + pcm
    }

    static func header(rate: Int, channels: Int, dataBytes: Int) -> [UInt8] {
        var h = Array("RIFF".utf8) + [0, 0, 0, 0] + Array("WAVEfmt ".utf8) + [16, 0, 0, 0, 1, 0]
        h += [UInt8(channels), 0]
        h += [0, 0, 0, 0, 0, 0, 0, 0]
        h += [UInt8(channels * 2), 0, 16, 0] + Array("data".utf8) + [0, 0, 0, 0]
        Bytes.setLE32(&h, 4, UInt32(36 + dataBytes))
        Bytes.setLE32(&h, 24, UInt32(rate))
        Bytes.setLE32(&h, 28, UInt32(rate * channels * 2))
        Bytes.setLE32(&h, 40, UInt32(dataBytes))
        return h
    }
}

/// Writes an APEv2 tag (header + one item + footer) before a file's ID3v1
/// tag, as foobar2000/mp3gain do.
enum APETag {
    static func make() -> [UInt8] {
        let key = Array("Title".utf8) + [0]
        let value = Array("call 42".utf8)
        var item = [UInt8](repeating: 0, count: 8)
        Bytes.setLE32(&item, 0, UInt32(value.count))
        item += key + value
        func block(isHeader: Bool) -> [UInt8] {
            var b = Array("APETAGEX".utf8) + [UInt8](repeating: 0, count: 24)
            Bytes.setLE32(&b, 8, 2000)
            Bytes.setLE32(&b, 12, UInt32(item.count + 32))
            Bytes.setLE32(&b, 16, 1)
            Bytes.setLE32(&b, 20, 0x8000_0000 | (isHeader ? 0x2000_0000 : 0))
            return b
        }
        return block(isHeader: true) + item + block(isHeader: false)
    }

    static func insert(into path: String) throws {
        var b = try Bytes.read(path)
        let hasV1 = b.count >= 128 && Array(b[(b.count - 128)..<(b.count - 125)]) == Array("TAG".utf8)
        let at = hasV1 ? b.count - 128 : b.count
        b.insert(contentsOf: make(), at: at)
        try Bytes.write(b, path)
    }
}
