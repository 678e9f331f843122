import Foundation
import Testing
@testable import TapedeckFileCheck

/// Broken WAV/RF64 variants made by byte manipulation of good files, each
/// with its expected verdict and findings, and what repair must make of it.
@Suite("Broken WAV and RF64 files")
struct WAVBrokenTests {
    /// Where the data chunk is in a good file (independent chunk walk).
    struct DataInfo {
        let headerOffset: Int
        let payload: Int
        let size: Int
        let blockAlign: Int
    }

    static func dataInfo(_ b: [UInt8]) throws -> DataInfo {
        let chunks = Bytes.chunks(b)
        let data = try #require(chunks.first { $0.id == "data" })
        let fmt = try #require(chunks.first { $0.id == "fmt " })
        let align = Int(b[fmt.offset + 8 + 12]) | Int(b[fmt.offset + 8 + 13]) << 8
        return DataInfo(headerOffset: data.offset, payload: data.offset + 8, size: data.size, blockAlign: align)
    }

    /// Repairs in place and checks: repaired, validates ok, and the sample
    /// bytes are exactly the original's first `expectedDataBytes`.
    static func expectRepair(_ path: String, original: [UInt8], info: DataInfo, expectedDataBytes: Int,
                             sourceLocation: SourceLocation = #_sourceLocation) throws {
        let outcome = try FileRepairer.repair(path: path, output: nil, dryRun: false)
        #expect(outcome.status == .repaired, "\(outcome.summaryLine)", sourceLocation: sourceLocation)
        let after = FileInspector.inspect(path: path)
        #expect(after.verdict == .ok, "\(describe(after))", sourceLocation: sourceLocation)
        let repaired = try Bytes.read(path)
        let r = try dataInfo(repaired)
        #expect(r.size == expectedDataBytes, sourceLocation: sourceLocation)
        #expect(r.payload == info.payload, sourceLocation: sourceLocation)
        let end = min(repaired.count, r.payload + expectedDataBytes)
        #expect(Array(repaired[r.payload..<end]) == Array(original[info.payload..<(info.payload + expectedDataBytes)]),
                "sample bytes changed", sourceLocation: sourceLocation)
        #expect(after.frameCount == Int64(expectedDataBytes / info.blockAlign), sourceLocation: sourceLocation)
    }

    @Test("headers left by a killed writer: 0 and 0xFFFFFFFF placeholders",
          arguments: ["sndfile-32k-stereo-16.wav", "sox-8k-mono-16.wav", "ffmpeg-16k-stereo-16.wav", "own-16k-mono-16.wav"])
    func killedWriterPlaceholders(name: String) throws {
        let dir = TempDir()
        let original = try Bytes.read(try Corpus.path(name))
        let info = try Self.dataInfo(original)
        let cases: [(riff: UInt32?, data: UInt32?, verdict: Verdict, code: ReasonCode)] = [
            (0, 0, .broken, .dataSizePlaceholder),
            (0xFFFF_FFFF, 0xFFFF_FFFF, .broken, .dataSizePlaceholder),
            (nil, 0, .broken, .dataSizePlaceholder),
            (0, nil, .warning, .riffSizePlaceholder),
        ]
        for (i, c) in cases.enumerated() {
            var b = original
            if let r = c.riff { Bytes.setLE32(&b, 4, r) }
            if let d = c.data { Bytes.setLE32(&b, info.headerOffset + 4, d) }
            let path = dir.file("case\(i).wav")
            try Bytes.write(b, path)
            let r = FileInspector.inspect(path: path)
            #expect(r.verdict == c.verdict, "case \(i): \(describe(r))")
            #expect(r.has(c.code), "case \(i): \(describe(r))")
            // The audio that is really there is reported, not the header's.
            #expect(r.frameCount == Int64(info.size / info.blockAlign), "case \(i): \(describe(r))")
            try Self.expectRepair(path, original: original, info: info, expectedDataBytes: info.size)
            #expect(try Bytes.read(path) == original, "case \(i): repair must restore the writer's own header")
        }
    }

    @Test("a header not updated since the start of recording (under-declared data)")
    func staleHeader() throws {
        let dir = TempDir()
        let original = try Bytes.read(try Corpus.path("sndfile-32k-stereo-16.wav"))
        let info = try Self.dataInfo(original)
        var b = original
        let stale = (info.size / 3 / info.blockAlign) * info.blockAlign
        Bytes.setLE32(&b, info.headerOffset + 4, UInt32(stale))
        Bytes.setLE32(&b, 4, UInt32(info.payload - 8 + stale))
        let path = dir.file("stale.wav")
        try Bytes.write(b, path)
        let r = FileInspector.inspect(path: path)
        #expect(r.verdict == .broken)
        let reason = try #require(r.reasons.first { $0.code == .dataUnderDeclared })
        #expect(reason.message.contains("declares \(stale) bytes but \(info.size) follow"), "\(reason.message)")
        #expect(r.frameCount == Int64(info.size / info.blockAlign))
        try Self.expectRepair(path, original: original, info: info, expectedDataBytes: info.size)
        #expect(try Bytes.read(path) == original)
    }

    @Test("cut at random byte offsets: broken; repaired to whole frames when the data header survived",
          arguments: ["sox-8k-stereo-16.wav", "sndfile-44k-stereo.rf64", "ffmpeg-16k-stereo-16.wav", "sox-44k-stereo-24.wav"])
    func cutAtRandomOffsets(name: String) throws {
        let dir = TempDir()
        let original = try Bytes.read(try Corpus.path(name))
        let info = try Self.dataInfo(original)
        var rng = SeededRandom(seed: UInt64(name.utf8.count) * 7919)
        var offsets = (0..<10).map { _ in Int.random(in: 1..<(original.count - 1), using: &rng) }
        offsets += [5, 20, info.payload - 4, info.payload + 1, info.payload + info.blockAlign * 3 + 1]
        for cut in offsets {
            let path = dir.file("cut-\(cut).wav")
            try Bytes.write(Array(original[0..<cut]), path)
            let r = FileInspector.inspect(path: path)
            #expect(r.verdict == .broken, "cut at \(cut): \(describe(r))")
            if cut > info.payload {
                let available = cut - info.payload
                #expect(r.has(.dataTruncated), "cut at \(cut): \(describe(r))")
                let msg = r.reasons.first { $0.code == .dataTruncated }?.message ?? ""
                #expect(msg.contains("declares \(info.size) bytes but only \(available) remain: file truncated"), "\(msg)")
                let whole = available / info.blockAlign * info.blockAlign
                try Self.expectRepair(path, original: original, info: info, expectedDataBytes: whole)
            } else if cut < info.payload - 8 {
                let outcome = try FileRepairer.repair(path: path, output: nil, dryRun: false)
                #expect(outcome.status == .refused, "cut at \(cut): \(outcome.summaryLine)")
                #expect(!(outcome.refusal ?? "").isEmpty)
                #expect(try Bytes.read(path) == Array(original[0..<cut]), "a refused file must not change")
            }
        }
    }

    @Test("chunks after data are legitimate; bytes after the last chunk are trailing; a cut LIST is dropped")
    func chunksAfterDataAndTrailingBytes() throws {
        let dir = TempDir()
        let base = OwnWAVWriter.sine(rate: 8000, channels: 1, seconds: 0.5)
        var list = Array("LIST".utf8) + [0, 0, 0, 0] + Array("INFOICMT".utf8) + [7, 0, 0, 0] + Array("call 1".utf8) + [0, 0]
        Bytes.setLE32(&list, 4, UInt32(list.count - 8))
        var withList = base + list
        Bytes.setLE32(&withList, 4, UInt32(withList.count - 8))
        let good = dir.file("list.wav")
        try Bytes.write(withList, good)
        let r0 = FileInspector.inspect(path: good)
        #expect(r0.verdict == .ok, "\(describe(r0))")
        #expect(r0.frameCount == 4000)

        let junk = (0..<37).map { UInt8($0 % 7) }
        let trailing = dir.file("trailing.wav")
        try Bytes.write(withList + junk, trailing)
        let r1 = FileInspector.inspect(path: trailing)
        #expect(r1.verdict == .warning, "\(describe(r1))")
        #expect(r1.has(.trailingBytes))
        #expect(r1.reasons.first { $0.code == .trailingBytes }?.message.contains("37 bytes after the last chunk") == true)
        let o1 = try FileRepairer.repair(path: trailing, output: nil, dryRun: false)
        #expect(o1.status == .repaired, "\(o1.summaryLine)")
        #expect(try Bytes.read(trailing) == withList)

        let cutList = dir.file("cutlist.wav")
        try Bytes.write(Array(withList[0..<(withList.count - 9)]), cutList)
        let r2 = FileInspector.inspect(path: cutList)
        #expect(r2.has(.chunkTruncated), "\(describe(r2))")
        #expect(r2.verdict == .warning, "audio is complete, only metadata was cut: \(describe(r2))")
        #expect(r2.frameCount == 4000)
        let o2 = try FileRepairer.repair(path: cutList, output: nil, dryRun: false)
        #expect(o2.status == .repaired, "\(o2.summaryLine)")
        var expected = base
        Bytes.setLE32(&expected, 4, UInt32(base.count - 8))
        #expect(try Bytes.read(cutList) == expected)
    }

    @Test("odd-sized chunk: the pad byte is honoured, and its absence is a warning")
    func oddSizePadding() throws {
        let dir = TempDir()
        let original = try Bytes.read(try Corpus.path("sox-8k-mono-u8-odd.wav"))
        let info = try Self.dataInfo(original)
        #expect(info.size % 2 == 1, "corpus file must have an odd data size")
        #expect(original.count == info.payload + info.size + 1, "sox writes the pad byte")
        #expect(FileInspector.inspect(path: try Corpus.path("sox-8k-mono-u8-odd.wav")).verdict == .ok)
        let noPad = dir.file("nopad.wav")
        try Bytes.write(Array(original[0..<(info.payload + info.size)]), noPad)
        let r = FileInspector.inspect(path: noPad)
        #expect(r.has(.missingPadByte), "\(describe(r))")
        #expect(r.verdict == .warning)
        #expect(r.frameCount == Int64(info.size))
        let o = try FileRepairer.repair(path: noPad, output: nil, dryRun: false)
        #expect(o.status == .repaired, "\(o.summaryLine)")
        #expect(try Bytes.read(noPad) == original)
    }

    @Test("structural errors that repair refuses, leaving the file untouched")
    func refusals() throws {
        let dir = TempDir()
        let pcm = [UInt8](repeating: 0x11, count: 800)
        // fmt after data.
        var fmtLast = OwnWAVWriter.header(rate: 8000, channels: 1, dataBytes: 800)
        let fmt = Array(fmtLast[12..<36])
        fmtLast = Array(fmtLast[0..<12]) + Array(fmtLast[36..<44]) + pcm + fmt
        Bytes.setLE32(&fmtLast, 4, UInt32(fmtLast.count - 8))
        // Wrong block align (3 for 16-bit mono).
        var badAlign = OwnWAVWriter.header(rate: 8000, channels: 1, dataBytes: 800) + pcm
        badAlign[32] = 3
        // No data chunk.
        var noData = Array(OwnWAVWriter.header(rate: 8000, channels: 1, dataBytes: 0)[0..<36])
        Bytes.setLE32(&noData, 4, 28)
        // Not WAVE.
        var notWave = OwnWAVWriter.header(rate: 8000, channels: 1, dataBytes: 800) + pcm
        notWave.replaceSubrange(8..<12, with: Array("AVI ".utf8))
        let cases: [(String, [UInt8], ReasonCode)] = [
            ("fmtlast.wav", fmtLast, .fmtAfterData), ("align.wav", badAlign, .blockAlignMismatch),
            ("nodata.wav", noData, .dataMissing), ("notwave.wav", notWave, .notWave),
        ]
        for (name, bytes, code) in cases {
            let path = dir.file(name)
            try Bytes.write(bytes, path)
            let r = FileInspector.inspect(path: path)
            #expect(r.verdict == .broken && r.has(code), "\(name): \(describe(r))")
            let o = try FileRepairer.repair(path: path, output: nil, dryRun: false)
            #expect(o.status == .refused, "\(name): \(o.summaryLine)")
            #expect(try Bytes.read(path) == bytes)
        }
    }

    @Test("RF64 from a killed writer: ds64 sizes 0")
    func rf64Placeholder() throws {
        let dir = TempDir()
        for name in ["sndfile-44k-stereo.rf64", "ffmpeg-48k-rf64.wav"] {
            let original = try Bytes.read(try Corpus.path(name))
            #expect(Array(original[0..<4]) == Array("RF64".utf8))
            let ds64 = try #require(Bytes.find(original, "ds64"))
            let info = try Self.dataInfo(original)
            var b = original
            for k in 0..<24 { b[ds64 + 8 + k] = 0 }
            let path = dir.file(name)
            try Bytes.write(b, path)
            let r = FileInspector.inspect(path: path)
            #expect(r.verdict == .broken && r.has(.dataSizePlaceholder), "\(describe(r))")
            try Self.expectRepair(path, original: original, info: info, expectedDataBytes: info.size)
            let after = try Bytes.read(path)
            #expect(Bytes.le32(after, ds64 + 8) == UInt32(after.count - 8))
            #expect(Bytes.le32(after, ds64 + 16) == UInt32(info.size))
        }
    }

    @Test("data too large for RIFF: the JUNK chunk reserved by the writer becomes ds64")
    func promotionToRF64() throws {
        let dir = TempDir()
        let original = try Bytes.read(try Corpus.path("ffmpeg-22k-rf64auto.wav"))
        #expect(Bytes.find(original, "JUNK") == 12, "ffmpeg -rf64 auto reserves a JUNK chunk first")
        let info = try Self.dataInfo(original)
        var b = original
        Bytes.setLE32(&b, 4, 0xFFFF_FFFF)
        Bytes.setLE32(&b, info.headerOffset + 4, 0xFFFF_FFFF)
        let path = dir.file("big.wav")
        try Bytes.write(b, path)
        // Pretend RIFF's 32-bit limit is 1000 bytes so a small file needs RF64.
        let o = try FileRepairer.repair(path: path, output: nil, dryRun: false, riffLimit: 1000)
        #expect(o.status == .repaired, "\(o.summaryLine)")
        let after = try Bytes.read(path)
        #expect(Array(after[0..<4]) == Array("RF64".utf8))
        #expect(Array(after[12..<16]) == Array("ds64".utf8))
        let r = FileInspector.inspect(path: path)
        #expect(r.verdict == .ok && r.format == .rf64, "\(describe(r))")
        #expect(Array(after[info.payload...]) == Array(original[info.payload...]))
        // Without a JUNK chunk the same repair is refused.
        var plain = try Bytes.read(try Corpus.path("sox-8k-mono-16.wav"))
        Bytes.setLE32(&plain, 40, 0)
        let p2 = dir.file("plain.wav")
        try Bytes.write(plain, p2)
        let o2 = try FileRepairer.repair(path: p2, output: nil, dryRun: false, riffLimit: 1000)
        #expect(o2.status == .refused && (o2.refusal ?? "").contains("JUNK"), "\(o2.summaryLine)")
    }

    @Test("--output writes the repaired file elsewhere and leaves the original; --dry-run writes nothing")
    func outputDirectoryAndDryRun() throws {
        let dir = TempDir()
        let outDir = TempDir("out")
        var b = try Bytes.read(try Corpus.path("sox-8k-stereo-16.wav"))
        Bytes.setLE32(&b, 40, 0)
        let path = dir.file("x.wav")
        try Bytes.write(b, path)
        let dry = try FileRepairer.repair(path: path, output: nil, dryRun: true)
        #expect(dry.status == .wouldRepair && !dry.changes.isEmpty)
        #expect(try Bytes.read(path) == b)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["x.wav"])
        let o = try FileRepairer.repair(path: path, output: outDir.path, dryRun: false)
        #expect(o.status == .repaired && o.destination == outDir.file("x.wav"))
        #expect(try Bytes.read(path) == b)
        #expect(try Bytes.read(outDir.file("x.wav")) == (try Bytes.read(try Corpus.path("sox-8k-stereo-16.wav"))))
        #expect(try FileManager.default.contentsOfDirectory(atPath: outDir.path) == ["x.wav"], "no temporary file left")
    }
}
