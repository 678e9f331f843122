import Foundation
import Testing
@testable import TapedeckFileCheck

@Suite("Good files from several writers")
struct GoodCorpusTests {
    @Test("validates ok with the right format, rate, channels and ffprobe's duration",
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
        let probe = try Tool.ffprobeDuration(path)
        let duration = try #require(r.durationSeconds)
        let oneFrame = good.format == .mp3
            ? Double(good.sampleRate >= 32000 ? 1152 : 576) / Double(good.sampleRate)
            : 1.0 / Double(good.sampleRate)
        #expect(abs(duration - probe) <= oneFrame + 1e-6, "\(name): ours \(duration) s, ffprobe \(probe) s")
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
        #expect((r.durationSeconds ?? 0) > gapless)
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
