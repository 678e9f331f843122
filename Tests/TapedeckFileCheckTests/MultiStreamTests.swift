import Foundation
import Testing
@testable import TapedeckFileCheck

/// Hostile files that hold more than one stream, or audio a naive resync
/// would take for garbage: MP3s joined end to end (a tag between frames, a
/// sample-rate change), fake frame headers in front of a real MP3, junk
/// hiding whole frames. Validate must say what is there; repair must never
/// reduce what an independent decoder (mpg123, ffmpeg) decodes: it keeps
/// every decodable segment or refuses and leaves the file byte-identical.
@Suite("Files holding more than one stream")
struct MultiStreamTests {
    /// An MP3 written by ffmpeg (with its default ID3v2 tag and Info frame).
    static func ffmpegMP3(_ out: String, rate: Int, channels: Int, seconds: String, bitrate: String, frequency: Int) throws {
        try Tool.run("ffmpeg", ["-v", "error", "-y", "-f", "lavfi",
                                "-i", "sine=frequency=\(frequency):sample_rate=\(rate):duration=\(seconds)",
                                "-ac", "\(channels)", "-c:a", "libmp3lame", "-b:a", bitrate, out])
    }

    /// Decoded sample counts by both decoders.
    static func decoded(_ path: String) throws -> [String: Int] {
        ["ffmpeg": try Tool.decodedSamples(path, decoder: "ffmpeg"),
         "mpg123": try Tool.decodedSamples(path, decoder: "mpg123")]
    }

    /// Repairs `path` and checks the rule: refused with the file
    /// byte-identical, or repaired with no decoder playing less than before.
    @discardableResult
    static func repairKeepsDecodableAudio(_ path: String, _ label: String) throws -> RepairOutcome {
        let original = try Bytes.read(path)
        let before = try decoded(path)
        let outcome = try FileRepairer.repair(path: path, output: nil, dryRun: false)
        if outcome.status == .refused {
            #expect(try Bytes.read(path) == original, "\(label): a refused repair changed the file")
        }
        let after = try decoded(path)
        for (decoder, n) in before {
            #expect((after[decoder] ?? 0) >= n, "\(label): \(decoder) decoded \(n) samples before repair, \(after[decoder] ?? 0) after: \(outcome.summaryLine)")
        }
        return outcome
    }

    @Test("a 44.1 kHz jingle then an 8 kHz call with its own ID3v2 tag: two streams named precisely; repair refuses")
    func jingleThenCall() throws {
        let dir = TempDir()
        try Self.ffmpegMP3(dir.file("jingle.mp3"), rate: 44100, channels: 2, seconds: "0.5", bitrate: "128k", frequency: 880)
        try Self.ffmpegMP3(dir.file("call.mp3"), rate: 8000, channels: 1, seconds: "6", bitrate: "24k", frequency: 440)
        let jingle = try Bytes.read(dir.file("jingle.mp3")), call = try Bytes.read(dir.file("call.mp3"))
        #expect(Array(call[0..<3]) == Array("ID3".utf8))
        let path = dir.file("joined.mp3")
        try Bytes.write(jingle + call, path)

        let r = FileInspector.inspect(path: path)
        #expect(r.verdict == .broken, "\(describe(r))")
        #expect(r.has(.multipleStreams) && r.has(.id3v2InsideAudio) && r.has(.sampleRateChanges), "\(describe(r))")
        #expect(!r.has(.trailingGarbage) && !r.has(.garbageBetweenFrames), "the call is audio, not garbage: \(describe(r))")
        let streams = try #require(r.reasons.first { $0.code == .multipleStreams }).message
        #expect(streams.hasPrefix("the file holds 2 MPEG streams one after another"), "\(streams)")
        #expect(streams.contains("44100 Hz MPEG-1 stereo") && streams.contains("8000 Hz MPEG-2.5 mono")
                && streams.contains("at offsets \(jingle.count + MP3TestFrames.audioStart(call))–\(jingle.count + call.count) after an ID3v2 tag"),
                "\(streams)")
        let tag = try #require(r.reasons.first { $0.code == .id3v2InsideAudio }).message
        #expect(tag.contains("(first at offset \(jingle.count))"), "\(tag)")
        // Both streams count in the duration, each at its own rate.
        #expect((r.durationSeconds ?? 0) > 6.3, "\(describe(r))")

        let o = try Self.repairKeepsDecodableAudio(path, "jingle+call")
        #expect(o.status == .refused, "\(o.summaryLine)")
        #expect(o.refusal?.contains("the file holds 2 MPEG streams") == true, "\(o.summaryLine)")
    }

    /// Three chained frames of zeros behind headers of another stream
    /// (MPEG-1 48 kHz 32 kbit/s mono, 96 bytes each).
    static let fakeFrames: [UInt8] = (0..<3).flatMap { _ in [0xFF, 0xFB, 0x14, 0xC4] + [UInt8](repeating: 0, count: 92) }

    @Test("three fake frame headers in front of a real MP3 (with an ID3v2 tag, or after junk): the real stream is seen; repair refuses",
          arguments: ["id3v2", "junk"])
    func fakeHeadersFirst(variant: String) throws {
        let dir = TempDir()
        let real: [UInt8]
        if variant == "id3v2" {
            try Self.ffmpegMP3(dir.file("real.mp3"), rate: 44100, channels: 2, seconds: "3.17", bitrate: "128k", frequency: 660)
            real = try Bytes.read(dir.file("real.mp3"))
        } else {
            real = MP3BrokenTests.garbage(37, seed: 11) + (try Bytes.read(try Corpus.path("lame-16k-mono-32-notag.mp3")))
        }
        let path = dir.file("fake-first.mp3")
        try Bytes.write(Self.fakeFrames + real, path)
        try Bytes.write(real, dir.file("real-only.mp3"))
        let alone = FileInspector.inspect(path: dir.file("real-only.mp3"))

        let r = FileInspector.inspect(path: path)
        #expect(r.verdict == .broken && r.has(.multipleStreams), "\(describe(r))")
        let streams = try #require(r.reasons.first { $0.code == .multipleStreams }).message
        #expect(streams.contains("48000 Hz MPEG-1 mono, 3 frames"), "\(streams)")
        // Every audio frame of the real stream is found (its Info frame, when
        // there is one, counts as a frame of the second stream).
        let realFrames = Int(alone.frameCount ?? 0) + (variant == "id3v2" ? 1 : 0)
        #expect(r.frameCount == Int64(3 + realFrames), "\(describe(r))")

        let o = try Self.repairKeepsDecodableAudio(path, "fake headers (\(variant))")
        #expect(o.status == .refused, "\(o.summaryLine)")
    }

    @Test("junk hiding a whole frame of the stream: reported; repair refuses rather than drop it")
    func junkHidingAFrame() throws {
        let dir = TempDir()
        let good = try Bytes.read(try Corpus.path("lame-8k-mono-16k.mp3"))
        let frames = MP3TestFrames.frames(good)
        let k = frames[20].offset + frames[20].length
        let hidden = Array(good[frames[10].offset..<(frames[10].offset + frames[10].length)])
        let junk = MP3BrokenTests.garbage(60, seed: 5) + hidden + MP3BrokenTests.garbage(60, seed: 6)
        var bytes = good
        bytes.insert(contentsOf: junk, at: k)
        let path = dir.file("hidden.mp3")
        try Bytes.write(bytes, path)

        let r = FileInspector.inspect(path: path)
        #expect(r.has(.framesInGarbage) && r.has(.garbageBetweenFrames), "\(describe(r))")
        let m = try #require(r.reasons.first { $0.code == .framesInGarbage }).message
        #expect(m.hasPrefix("1 whole frame of the stream inside the garbage (first run at offset \(k))"), "\(m)")
        let o = try Self.repairKeepsDecodableAudio(path, "junk hiding a frame")
        #expect(o.status == .refused, "\(o.summaryLine)")
        // The same junk without the frame is still dropped.
        var plain = good
        plain.insert(contentsOf: MP3BrokenTests.garbage(120, seed: 5), at: k)
        try Bytes.write(plain, dir.file("plain.mp3"))
        let p = try Self.repairKeepsDecodableAudio(dir.file("plain.mp3"), "plain junk")
        #expect(p.status == .repaired, "\(p.summaryLine)")
        #expect(try Bytes.read(dir.file("plain.mp3")) == good)
    }

    @Test("two MP3s of one format joined (a tag between frames): said so; repair refuses, the file unchanged")
    func sameFormatJoined() throws {
        let dir = TempDir()
        try Self.ffmpegMP3(dir.file("a.mp3"), rate: 8000, channels: 1, seconds: "1", bitrate: "24k", frequency: 440)
        try Self.ffmpegMP3(dir.file("b.mp3"), rate: 8000, channels: 1, seconds: "2", bitrate: "24k", frequency: 660)
        let a = try Bytes.read(dir.file("a.mp3")), b = try Bytes.read(dir.file("b.mp3"))
        let path = dir.file("ab.mp3")
        try Bytes.write(a + b, path)
        let r = FileInspector.inspect(path: path)
        #expect(r.has(.id3v2InsideAudio) && !r.has(.multipleStreams) && !r.has(.trailingGarbage), "\(describe(r))")
        let o = try Self.repairKeepsDecodableAudio(path, "a+b")
        #expect(o.status == .refused, "\(o.summaryLine)")
    }
}
