import Foundation
import Testing
@testable import TapedeckFileCheck

/// Broken MP3 variants made by byte manipulation of good files, with the
/// expected verdicts and what repair must make of them.
@Suite("Broken MP3 files")
struct MP3BrokenTests {
    /// Garbage with no 0xFF byte, so it can never hold a frame sync.
    static func garbage(_ n: Int, seed: UInt64) -> [UInt8] {
        var rng = SeededRandom(seed: seed)
        return (0..<n).map { _ in UInt8.random(in: 0...0xFE, using: &rng) }
    }

    static func xingOffset(_ b: [UInt8]) -> Int? {
        Bytes.find(b, "Info") ?? Bytes.find(b, "Xing")
    }

    @Test("garbage inserted between frames, before the first and after the last: warning, repair restores the file",
          arguments: ["lame-44k-stereo-128-id3v2.mp3", "ffmpeg-44k-stereo-q4.mp3", "lame-8k-mono-16k.mp3", "lame-32k-mono-64-id3v1.mp3"])
    func garbageInserted(name: String) throws {
        let dir = TempDir()
        let original = try Bytes.read(try Corpus.path(name))
        let frames = MP3TestFrames.frames(original)
        #expect(frames.count > 20)
        let good = FileInspector.inspect(path: try Corpus.path(name))
        let placements: [(String, Int, ReasonCode)] = [
            ("between", frames[7].offset, .garbageBetweenFrames),
            ("leading", frames[0].offset, .leadingGarbage),
            ("trailing", frames[frames.count - 1].offset + frames[frames.count - 1].length, .trailingGarbage),
        ]
        for (i, (label, at, code)) in placements.enumerated() {
            var b = original
            b.insert(contentsOf: Self.garbage(333, seed: UInt64(i + 1)), at: at)
            if label == "between" {
                b.insert(contentsOf: Self.garbage(50, seed: 99), at: frames[15].offset + 333)
            }
            let path = dir.file("\(label).mp3")
            try Bytes.write(b, path)
            let r = FileInspector.inspect(path: path)
            #expect(r.verdict == .warning, "\(label): \(describe(r))")
            #expect(r.has(code), "\(label): \(describe(r))")
            #expect(r.frameCount == good.frameCount, "\(label): frames after resync")
            if label == "between" {
                let m = r.reasons.first { $0.code == code }?.message ?? ""
                #expect(m.contains("383 bytes of garbage in 2 places"), "\(m)")
            }
            let o = try FileRepairer.repair(path: path, output: nil, dryRun: false)
            #expect(o.status == .repaired, "\(label): \(o.summaryLine)")
            #expect(try Bytes.read(path) == original, "\(label): repair must give back the encoder's file")
        }
    }

    @Test("cut at random byte offsets inside the stream: broken; repair keeps the whole frames before the cut",
          arguments: ["lame-44k-stereo-128-id3v2.mp3", "ffmpeg-44k-stereo-q4.mp3", "sndfile-44k-stereo.mp3",
                      "lame-16k-mono-32-notag.mp3", "lame-24k-stereo-64-crc.mp3", "lame-22k-stereo-v5.mp3"])
    func cutAtRandomOffsets(name: String) throws {
        let dir = TempDir()
        let original = try Bytes.read(try Corpus.path(name))
        let frames = MP3TestFrames.frames(original)
        let hasTag = Self.xingOffset(Array(original[0..<min(original.count, frames[0].offset + frames[0].length)])) != nil
        let firstAudio = hasTag ? 1 : 0
        // Seeded from the name (FNV-1a, stable across runs and platforms); the
        // corpus itself is generated reproducibly (sox -R), so the same cuts
        // are made on the same bytes every run.
        let seed = Self.stableSeed(name)
        var rng = SeededRandom(seed: seed)
        for k in 0..<6 {
            // A cut strictly inside an audio frame, leaving at least two whole
            // audio frames (ffprobe itself cannot read a one-frame file).
            let f = frames[Int.random(in: (firstAudio + 2)..<frames.count, using: &rng)]
            let cut = f.offset + Int.random(in: 1..<f.length, using: &rng)
            let path = dir.file("cut\(k).mp3")
            try Bytes.write(Array(original[0..<cut]), path)
            let r = FileInspector.inspect(path: path)
            #expect(r.verdict == .broken, "cut at \(cut) (seed \(seed)): \(describe(r))")
            #expect(r.has(.truncatedLastFrame), "cut at \(cut) (seed \(seed)): \(describe(r))")
            if hasTag { #expect(r.has(.xingFrameCountMismatch), "cut at \(cut): \(describe(r))") }
            let whole = frames.filter { $0.offset + $0.length <= cut }
            #expect(r.frameCount == Int64(whole.count - firstAudio))
            let o = try FileRepairer.repair(path: path, output: nil, dryRun: false)
            #expect(o.status == .repaired, "cut at \(cut): \(o.summaryLine)")
            let after = FileInspector.inspect(path: path)
            #expect(after.verdict == .ok, "cut at \(cut) repaired: \(describe(after))")
            #expect(after.frameCount == Int64(whole.count - firstAudio))
            let repaired = try Bytes.read(path)
            // Audio frames (after the tag frame) are the original bytes.
            let start = whole[firstAudio].offset
            let end = whole[whole.count - 1].offset + whole[whole.count - 1].length
            #expect(Array(repaired[start..<end]) == Array(original[start..<end]), "audio bytes changed")
            #expect(repaired.count == end)
            let frameSeconds = Double(r.sampleRate ?? 0 >= 32000 ? 1152 : 576) / Double(r.sampleRate ?? 1)
            if after.gaplessDurationSeconds != nil {
                // What a decoder plays of the repaired file, to the sample.
                let rate = Double(after.sampleRate ?? 1)
                let decoded = Double(try Tool.decodedSamples(path)) / rate
                #expect(abs((after.durationSeconds ?? 0) - decoded) <= 1 / rate + 1e-9, "ours \(after.durationSeconds ?? 0), ffmpeg \(decoded)")
            } else {
                let probe = try Tool.ffprobeDuration(path)
                #expect(abs((after.durationSeconds ?? 0) - probe) <= frameSeconds + 1e-6, "ours \(after.durationSeconds ?? 0), ffprobe \(probe)")
            }
            if hasTag, let x = Self.xingOffset(repaired), Array(repaired[x..<(x + 4)]) == Array("Xing".utf8),
               repaired[x + 7] & 4 != 0 {
                // A rebuilt table of contents: starts at 0, never decreases.
                let toc = Array(repaired[(x + 16)..<(x + 116)])
                #expect(toc[0] == 0 && zip(toc, toc.dropFirst()).allSatisfy { $0 <= $1 }, "TOC \(toc)")
                #expect(toc[99] > 200, "TOC must span the stream: \(toc)")
            }
            if let gapless = after.gaplessDurationSeconds, let frames = after.frameCount, let rate = after.sampleRate {
                // The end padding went with the lost frames; the start delay stays.
                let stream = Double(frames) * frameSeconds
                #expect(stream - gapless <= 2 * frameSeconds + 1e-9, "gapless \(gapless) vs \(stream)")
                #expect(after.durationSeconds == gapless, "\(rate)")
            }
        }
    }

    static func stableSeed(_ s: String) -> UInt64 {
        s.utf8.reduce(0xCBF2_9CE4_8422_2325 as UInt64) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01B3 }
    }

    /// Every possible cut inside the last two frames, the first byte of each
    /// frame included (a clean cut at a frame boundary): a cut leaving 1–3
    /// bytes of a header, one inside the CRC, the side information or the
    /// main data must all be a truncated last frame, never trailing garbage.
    @Test("cut at every offset in the last two frames: truncated last frame; repair keeps every whole frame",
          arguments: ["lame-22k-stereo-v5.mp3", "lame-24k-stereo-64-crc.mp3", "lame-16k-mono-32-notag.mp3",
                      "lame-32k-mono-64-id3v1.mp3", "ffmpeg-48k-stereo-96.mp3"])
    func cutAtEveryOffset(name: String) throws {
        let dir = TempDir()
        let original = try Bytes.read(try Corpus.path(name))
        let frames = MP3TestFrames.frames(original)
        try #require(frames.count >= 6)
        let hasTag = Self.xingOffset(Array(original[0..<(frames[0].offset + frames[0].length)])) != nil
        let firstAudio = hasTag ? 1 : 0
        let path = dir.file("cut.mp3")
        var checked = 0
        for f in frames.suffix(2) {
            for cut in f.offset..<(f.offset + f.length) {
                let whole = frames.filter { $0.offset + $0.length <= cut }
                let keptEnd = f.offset  // every frame before f is whole, f is not
                try Bytes.write(Array(original[0..<cut]), path)
                let r = FileInspector.inspect(path: path)
                let label = "\(name) cut at \(cut) (\(cut - f.offset) bytes into the frame at \(f.offset))"
                #expect(r.frameCount == Int64(whole.count - firstAudio), "\(label): \(describe(r))")
                #expect(!r.has(.trailingGarbage), "\(label): \(describe(r))")
                if cut == f.offset {
                    // A clean cut at a frame boundary: only a tag can tell.
                    #expect(!r.has(.truncatedLastFrame), "\(label): \(describe(r))")
                    #expect(r.verdict == (hasTag ? .broken : .ok), "\(label): \(describe(r))")
                } else {
                    #expect(r.verdict == .broken && r.has(.truncatedLastFrame), "\(label): \(describe(r))")
                    let m = r.reasons.first { $0.code == .truncatedLastFrame }?.message ?? ""
                    #expect(m.contains("at offset \(f.offset)"), "\(label): \(m)")
                    if cut - f.offset < 4 { #expect(m.contains("cut inside its header"), "\(label): \(m)") }
                }
                let o = try FileRepairer.repair(path: path, output: nil, dryRun: false)
                #expect(o.status == (r.verdict == .ok ? .alreadyOK : .repaired), "\(label): \(o.summaryLine)")
                let after = FileInspector.inspect(path: path)
                #expect(after.verdict == .ok, "\(label) repaired: \(describe(after))")
                #expect(after.frameCount == Int64(whole.count - firstAudio), "\(label) repaired: \(describe(after))")
                let repaired = try Bytes.read(path)
                #expect(repaired.count == keptEnd, "\(label): repaired file ends at \(repaired.count)")
                let start = frames[firstAudio].offset
                if repaired.count == keptEnd {
                    #expect(repaired[start..<keptEnd] == original[start..<keptEnd], "\(label): audio bytes changed")
                }
                checked += 1
            }
        }
        #expect(checked == frames.suffix(2).reduce(0) { $0 + $1.length })
    }

    @Test("a partial header is a truncated frame only when it fits the stream: other short tails are trailing garbage")
    func shortTails() throws {
        let dir = TempDir()
        let original = try Bytes.read(try Corpus.path("lame-16k-mono-32-notag.mp3"))
        let frames = MP3TestFrames.frames(original)
        let last = try #require(frames.last)
        let end = last.offset + last.length
        let body = Array(original[0..<end])
        let header = Array(original[last.offset..<(last.offset + 4)])
        var otherVersion = header; otherVersion[1] ^= 0x08  // MPEG-2 ↔ MPEG-1
        var crcFlag = header; crcFlag[1] ^= 0x01
        var otherRate = header; otherRate[2] ^= 0x04
        var badBitrate = header; badBitrate[2] |= 0xF0
        let cases: [(String, [UInt8], Bool)] = [
            ("ff", [0xFF], true),
            ("two", Array(header[0..<2]), true),
            ("three", Array(header[0..<3]), true),
            ("text", Array("\n\n\n".utf8), false),
            ("not-sync", [0xFF, 0x00], false),
            ("version", Array(otherVersion[0..<2]), false),
            ("crc-flag", Array(crcFlag[0..<2]), false),
            ("rate", Array(otherRate[0..<3]), false),
            ("bitrate", Array(badBitrate[0..<3]), false),
        ]
        for (label, tail, truncated) in cases {
            let path = dir.file("\(label).mp3")
            try Bytes.write(body + tail, path)
            let r = FileInspector.inspect(path: path)
            #expect(r.frameCount == Int64(frames.count), "\(label): \(describe(r))")
            if truncated {
                #expect(r.verdict == .broken && r.has(.truncatedLastFrame) && !r.has(.trailingGarbage), "\(label): \(describe(r))")
            } else {
                #expect(r.verdict == .warning && r.has(.trailingGarbage) && !r.has(.truncatedLastFrame), "\(label): \(describe(r))")
            }
            let o = try FileRepairer.repair(path: path, output: nil, dryRun: false)
            #expect(o.status == .repaired, "\(label): \(o.summaryLine)")
            #expect(try Bytes.read(path) == body, "\(label): repair must drop exactly the tail")
        }
        // Garbage, then a partial header at the very end: garbage, then a truncated frame.
        let path = dir.file("garbage-then-partial.mp3")
        try Bytes.write(body + Self.garbage(40, seed: 7) + Array(header[0..<2]), path)
        let r = FileInspector.inspect(path: path)
        #expect(r.has(.truncatedLastFrame) && !r.has(.trailingGarbage), "\(describe(r))")
        // A single frame followed by a partial header is one frame, not garbage.
        let single = dir.file("single.mp3")
        try Bytes.write(Array(original[frames[0].offset..<(frames[0].offset + frames[0].length + 3)]), single)
        let s1 = FileInspector.inspect(path: single)
        #expect(s1.frameCount == 1 && s1.has(.truncatedLastFrame) && !s1.has(.leadingGarbage), "\(describe(s1))")
    }

    @Test("wrong Xing/Info counts and LAME CRC: verdict by direction, repair restores the encoder's tag",
          arguments: ["lame-44k-stereo-128-id3v2.mp3", "lame-22k-stereo-v5.mp3", "ffmpeg-48k-stereo-96.mp3"])
    func wrongTag(name: String) throws {
        let dir = TempDir()
        let original = try Bytes.read(try Corpus.path(name))
        let x = try #require(Self.xingOffset(original))
        let frames = Int(UInt32(original[x + 8]) << 24 | UInt32(original[x + 9]) << 16 | UInt32(original[x + 10]) << 8 | UInt32(original[x + 11]))
        func put(_ b: inout [UInt8], _ at: Int, _ v: Int) {
            for k in 0..<4 { b[at + k] = UInt8(truncatingIfNeeded: v >> (24 - 8 * k)) }
        }
        var more = original; put(&more, x + 8, frames + 10)
        var fewer = original; put(&fewer, x + 8, frames - 10)
        var bytes = original; put(&bytes, x + 12, 1234)
        var crc = original; crc[x + 120 + 35] ^= 0x5A
        var kind = original
        let isVBR = Array(original[x..<(x + 4)]) == Array("Xing".utf8)
        kind.replaceSubrange(x..<(x + 4), with: Array((isVBR ? "Info" : "Xing").utf8))
        var cases: [(String, [UInt8], Verdict, ReasonCode)] = [
            ("more", more, .broken, .xingFrameCountMismatch), ("fewer", fewer, .warning, .xingFrameCountMismatch),
            ("bytes", bytes, .warning, .xingByteCountMismatch), ("crc", crc, .warning, .lameTagCRCMismatch),
        ]
        if isVBR { cases.append(("kind", kind, .warning, .xingTypeMismatch)) }
        for (label, b, verdict, code) in cases {
            let path = dir.file("\(label).mp3")
            try Bytes.write(b, path)
            let r = FileInspector.inspect(path: path)
            #expect(r.verdict == verdict, "\(label): \(describe(r))")
            #expect(r.has(code), "\(label): \(describe(r))")
            let o = try FileRepairer.repair(path: path, output: nil, dryRun: false)
            #expect(o.status == .repaired, "\(label): \(o.summaryLine)")
            #expect(try Bytes.read(path) == original, "\(label): repaired tag must equal the encoder's: \(o.summaryLine)")
        }
    }

    @Test("damage repair refuses: cut ID3v2, frame CRC failure, mixed sample rates, no frames")
    func refusals() throws {
        let dir = TempDir()
        let id3 = try Bytes.read(try Corpus.path("lame-44k-stereo-128-id3v2.mp3"))
        let crcFile = try Bytes.read(try Corpus.path("lame-24k-stereo-64-crc.mp3"))
        let crcFrames = MP3TestFrames.frames(crcFile)
        var corrupt = crcFile
        corrupt[crcFrames[5].offset + 8] ^= 0x10  // side info covered by the CRC
        let a = try Bytes.read(try Corpus.path("lame-16k-mono-32-notag.mp3"))
        let b8 = try Bytes.read(try Corpus.path("lame-8k-mono-16k.mp3"))
        let mixed = a + b8
        let text = Array("this is not audio at all, just a note someone saved as .mp3\n".utf8)
        let cases: [(String, [UInt8], ReasonCode)] = [
            ("id3cut.mp3", Array(id3[0..<(MP3TestFrames.audioStart(id3) - 5)]), .id3v2Truncated),
            ("crc.mp3", corrupt, .crcMismatch),
            ("mixed.mp3", mixed, .sampleRateChanges),
            ("text.mp3", text, .noFrames),
        ]
        for (name, bytes, code) in cases {
            let path = dir.file(name)
            try Bytes.write(bytes, path)
            let r = FileInspector.inspect(path: path)
            #expect(r.verdict == .broken && r.has(code), "\(name): \(describe(r))")
            let o = try FileRepairer.repair(path: path, output: nil, dryRun: false)
            #expect(o.status == .refused, "\(name): \(o.summaryLine)")
            #expect(try Bytes.read(path) == bytes, "\(name): refused file must not change")
        }
        let crcMsg = FileInspector.inspect(path: dir.file("crc.mp3")).reasons.first { $0.code == .crcMismatch }?.message ?? ""
        #expect(crcMsg.hasPrefix("1 of "), "\(crcMsg)")
        #expect(crcMsg.contains("offset \(crcFrames[5].offset)"), "\(crcMsg)")
    }

    @Test("audio changed after encoding is caught by the LAME music CRC")
    func musicCRC() throws {
        let dir = TempDir()
        let original = try Bytes.read(try Corpus.path("lame-44k-stereo-128-id3v2.mp3"))
        let frames = MP3TestFrames.frames(original)
        var b = original
        b[frames[30].offset + 200] ^= 0x01  // main data, no frame CRC here
        let path = dir.file("changed.mp3")
        try Bytes.write(b, path)
        let r = FileInspector.inspect(path: path)
        #expect(r.verdict == .warning && r.has(.lameMusicCRCMismatch), "\(describe(r))")
    }

    @Test("a truncated APE tag is reported without breaking the audio")
    func badAPETag() throws {
        let dir = TempDir()
        var b = try Bytes.read(try Corpus.path("lame-11k-mono-32-ape.mp3"))
        let footer = try #require(Bytes.find(b, "APETAGEX", from: (Bytes.find(b, "APETAGEX") ?? 0) + 1))
        Bytes.setLE32(&b, footer + 12, 0x7FFF_0000)
        let path = dir.file("ape.mp3")
        try Bytes.write(b, path)
        let r = FileInspector.inspect(path: path)
        #expect(r.has(.apeTagInvalid), "\(describe(r))")
        #expect(r.verdict == .warning, "\(describe(r))")
    }
}
