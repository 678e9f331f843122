import Foundation
import Testing
@testable import TapedeckFileCheck

@Suite("Good files from several writers")
struct GoodCorpusTests {
    @Test("validates ok with the right format, rate, channels and duration (decoded length for a gapless MP3, else ffprobe's)",
          arguments: Corpus.all.map(\.name))
    func goodFile(name: String) throws {
        let good = try #require(Corpus.good(name))
        let path = try Corpus.path(name)
        let r = FileInspector.inspect(path: path)
        #expect(r.verdict == .ok, "\(good.writer): \(describe(r))")
        #expect(r.reasons.isEmpty, "\(describe(r))")
        #expect(r.format == good.format)
        #expect(r.sampleRate == good.sampleRate)
        #expect(r.channels == good.channels)
        if good.format == .mp3 {
            #expect(r.isVBR == good.vbr, "\(name): vbr \(String(describing: r.isVBR))")
            if let b = good.bitrate { #expect(r.bitrateKbps == b) } else { #expect((r.bitrateKbps ?? 0) > 0) }
            #expect(r.bitsPerSample == nil)
        } else {
            #expect(r.bitsPerSample == good.bits)
            #expect(r.bitrateKbps == nil)
            // Frame count from an independent chunk walk.
            let bytes = try Bytes.read(path)
            let data = try #require(Bytes.chunks(bytes).first { $0.id == "data" })
            let align = Int(bytes[32]) | Int(bytes[33]) << 8  // canonical fmt position
            if Bytes.find(bytes, "fmt ") == 12 {
                #expect(r.frameCount == Int64(data.size / align))
            }
        }
        let duration = try #require(r.durationSeconds)
        if let gapless = r.gaplessDurationSeconds {
            // The LAME tag gives delay and padding: the duration is what a decoder plays.
            #expect(duration == gapless)
            for decoder in ["ffmpeg", "mpg123"] {
                let decoded = Double(try Tool.decodedSamples(path, decoder: decoder)) / Double(good.sampleRate)
                #expect(abs(duration - decoded) <= 1.0 / Double(good.sampleRate) + 1e-9,
                        "\(name): ours \(duration) s, \(decoder) decodes \(decoded) s")
            }
        } else {
            let probe = try Tool.ffprobeDuration(path)
            let oneFrame = good.format == .mp3
                ? Double(good.sampleRate >= 32000 ? 1152 : 576) / Double(good.sampleRate)
                : 1.0 / Double(good.sampleRate)
            #expect(abs(duration - probe) <= oneFrame + 1e-6, "\(name): ours \(duration) s, ffprobe \(probe) s")
        }
        // Nothing to repair in a good file, and repair leaves it alone.
        let dir = TempDir()
        let copy = try Corpus.copy(name, to: dir)
        let before = try Bytes.read(copy)
        let outcome = try FileRepairer.repair(path: copy, output: nil, dryRun: false)
        #expect(outcome.status == .alreadyOK)
        #expect(try Bytes.read(copy) == before)
    }

    @Test("LAME tag gives the gapless duration: encoder delay and padding removed")
    func gaplessDuration() throws {
        let r = FileInspector.inspect(path: try Corpus.path("lame-44k-stereo-128-id3v2.mp3"))
        let gapless = try #require(r.gaplessDurationSeconds)
        // The source is exactly 2 s of audio.
        #expect(abs(gapless - 2.0) < 1.0 / 44100 + 1e-9, "gapless \(gapless)")
        // The reported duration is the gapless one, not frames × 1152 / rate.
        #expect(r.durationSeconds == gapless)
        #expect(Double(r.frameCount ?? 0) * 1152 / 44100 > gapless + 0.02)
        let decoded = try Tool.decodedSamples(try Corpus.path("lame-44k-stereo-128-id3v2.mp3"))
        #expect(decoded == 88200, "ffmpeg decodes \(decoded) samples")
    }

    @Test("ffmpeg's LAME tag CRC over a fixed 190 bytes is recognised: its MPEG-2/2.5 files are ok",
          arguments: ["ffmpeg-8k-mono-24.mp3", "ffmpeg-16k-stereo-24.mp3"])
    func ffmpegTagCRC(name: String) throws {
        let path = try Corpus.path(name)
        let bytes = try Bytes.read(path)
        // The file really is one where the readings differ: the tag ends before byte 190.
        let ext = try #require(Bytes.find(bytes, "Lavc"))
        let frameStart = try #require(Bytes.find(bytes, "Info")) - (name.contains("mono") ? 13 : 21)
        #expect(ext - frameStart + 36 < 190, "tag ends at \(ext - frameStart + 36)")
        let r = FileInspector.inspect(path: path)
        #expect(r.verdict == .ok, "\(describe(r))")
        #expect(r.lameTagCRC == .ffmpeg)
        #expect(r.jsonLine.contains("\"lame_tag_crc\":\"ffmpeg\""), "\(r.jsonLine)")
        // A LAME-made file matches LAME's reading.
        #expect(FileInspector.inspect(path: try Corpus.path("lame-44k-stereo-128-id3v2.mp3")).lameTagCRC == .lame)
        // A CRC that matches neither reading is still a warning.
        let dir = TempDir()
        var damaged = bytes
        damaged[ext + 35] ^= 0x01
        try Bytes.write(damaged, dir.file("damaged.mp3"))
        let d = FileInspector.inspect(path: dir.file("damaged.mp3"))
        #expect(d.verdict == .warning && d.has(.lameTagCRCMismatch) && d.lameTagCRC == .mismatch, "\(describe(d))")
    }

    @Test("an ID3v2 tag, an APE tag and an ID3v1 tag are skipped, not taken for garbage")
    func tagsSkipped() throws {
        let ape = try Bytes.read(try Corpus.path("lame-11k-mono-32-ape.mp3"))
        #expect(Bytes.find(ape, "APETAGEX") != nil)
        #expect(Array(ape[(ape.count - 128)..<(ape.count - 125)]) == Array("TAG".utf8))
        let id3 = try Bytes.read(try Corpus.path("lame-44k-stereo-128-id3v2.mp3"))
        #expect(Array(id3[0..<3]) == Array("ID3".utf8))
        for name in ["lame-11k-mono-32-ape.mp3", "lame-44k-stereo-128-id3v2.mp3", "lame-48k-stereo-v2-tags.mp3"] {
            let r = FileInspector.inspect(path: try Corpus.path(name))
            #expect(r.verdict == .ok, "\(describe(r))")
        }
    }
}
