import Foundation
import Testing
@testable import TapedeckFileCheck

/// Random damage to good files: the checks must never trap, must give a
/// verdict with a reason for anything not ok, and a repair must never make
/// a file worse.
@Suite("Hostile bytes")
struct HostileInputTests {
    static func mutate(_ b: [UInt8], _ rng: inout SeededRandom) -> [UInt8] {
        var out = b
        switch Int.random(in: 0..<5, using: &rng) {
        case 0:  // overwrite header bytes with random values
            for _ in 0..<Int.random(in: 1...8, using: &rng) {
                out[Int.random(in: 0..<min(out.count, 300), using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
        case 1:  // set a size-like field to an extreme value
            let at = Int.random(in: 0..<min(out.count - 4, 300), using: &rng)
            let v: UInt32 = [0, 0xFFFF_FFFF, 0x8000_0000, 0x7FFF_FFFF, 1][Int.random(in: 0..<5, using: &rng)]
            Bytes.setLE32(&out, at, v)
        case 2:  // truncate anywhere
            out = Array(out[0..<Int.random(in: 0..<out.count, using: &rng)])
        case 3:  // insert random bytes anywhere (0xFF-rich to fake syncs)
            let junk = (0..<Int.random(in: 1...600, using: &rng)).map { _ in
                Bool.random(using: &rng) ? 0xFF : UInt8.random(in: 0...255, using: &rng)
            }
            out.insert(contentsOf: junk, at: Int.random(in: 0...out.count, using: &rng))
        default:  // flip bits throughout
            for _ in 0..<Int.random(in: 1...40, using: &rng) {
                out[Int.random(in: 0..<out.count, using: &rng)] ^= UInt8(1) << UInt8.random(in: 0...7, using: &rng)
            }
        }
        return out
    }

    @Test("random damage never traps, and repair never makes a file worse",
          arguments: ["sox-8k-mono-16.wav", "sndfile-44k-stereo.rf64", "ffmpeg-16k-stereo-16.wav",
                      "lame-8k-mono-16k.mp3", "lame-24k-stereo-64-crc.mp3", "ffmpeg-44k-stereo-q4.mp3"])
    func randomDamage(name: String) throws {
        let dir = TempDir()
        let original = try Bytes.read(try Corpus.path(name))
        var rng = SeededRandom(seed: UInt64(name.utf8.reduce(0) { $0 &* 31 &+ UInt64($1) }))
        let ext = name.hasSuffix(".mp3") ? "mp3" : "wav"
        for i in 0..<40 {
            let bytes = Self.mutate(original, &rng)
            let path = dir.file("m\(i).\(ext)")
            try Bytes.write(bytes, path)
            let before = FileInspector.inspect(path: path)
            if before.verdict != .ok {
                #expect(!before.reasons.isEmpty)
            }
            for reason in before.reasons { #expect(!reason.message.isEmpty) }
            _ = before.jsonLine
            let outcome = try FileRepairer.repair(path: path, output: nil, dryRun: false)
            let after = FileInspector.inspect(path: path)
            switch outcome.status {
            case .repaired:
                #expect(after.verdict <= before.verdict, "mutation \(i): \(describe(before)) → \(describe(after))")
                #expect(FileRepairer.isBetter(after, than: before))
            case .refused, .alreadyOK, .wouldRepair:
                #expect(try Bytes.read(path) == bytes, "mutation \(i): file changed although \(outcome.status)")
            }
        }
    }

    @Test("files that are not audio at all")
    func notAudio() throws {
        let dir = TempDir()
        var rng = SeededRandom(seed: 5)
        let cases: [(String, [UInt8], ReasonCode)] = [
            ("empty.wav", [], .empty),
            ("random.bin", (0..<5000).map { _ in UInt8.random(in: 0...255, using: &rng) }, .unknownFormat),
            ("short.wav", Array("RIFF".utf8), .riffHeaderTruncated),
            ("text.wav", Array("hello, this is text\n".utf8), .unknownFormat),
            ("rifx.wav", Array("RIFX".utf8) + [0, 0, 0, 4] + Array("WAVE".utf8), .rifxUnsupported),
            ("id3only.mp3", [0x49, 0x44, 0x33, 3, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0], .noFrames),
        ]
        for (name, bytes, code) in cases {
            let path = dir.file(name)
            try Bytes.write(bytes, path)
            let r = FileInspector.inspect(path: path)
            #expect(r.verdict == .broken && r.has(code), "\(name): \(describe(r))")
        }
        let missing = FileInspector.inspect(path: dir.file("nope.wav"))
        #expect(missing.has(.unreadable) && missing.reasons[0].message.contains("No such file"), "\(describe(missing))")
    }

    @Test("a huge declared size on a small file is a truncation, not an overflow")
    func hugeDeclaredSizes() throws {
        let dir = TempDir()
        var b = try Bytes.read(try Corpus.path("sndfile-44k-stereo.rf64"))
        let ds64 = try #require(Bytes.find(b, "ds64"))
        for k in 0..<8 { b[ds64 + 16 + k] = 0xFF }  // data size 2^64 - 1
        let path = dir.file("huge.rf64")
        try Bytes.write(b, path)
        let r = FileInspector.inspect(path: path)
        #expect(r.verdict == .broken && r.has(.dataTruncated), "\(describe(r))")
        #expect(r.reasons.first { $0.code == .dataTruncated }?.message.contains("18446744073709551615") == true)
    }
}
