import Foundation
import Testing
@testable import TapedeckFileCheck

@Suite("Report output and directory walking")
struct ReportOutputTests {
    @Test("JSON lines have the documented keys in a stable order and parse as JSON")
    func jsonLine() throws {
        var r = FileReport(path: "a \"quoted\"\nname.wav", format: .wav)
        r.sampleRate = 8000; r.channels = 1; r.bitsPerSample = 16; r.durationSeconds = 1.5; r.frameCount = 12000
        r.add(.dataTruncated, .broken, "data chunk declares 10 bytes but only 4 remain: file truncated")
        let line = r.jsonLine
        #expect(!line.contains("\n"))
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(obj["path"] as? String == "a \"quoted\"\nname.wav")
        #expect(obj["verdict"] as? String == "broken")
        #expect(obj["duration_seconds"] as? Double == 1.5)
        #expect(obj["bitrate_kbps"] is NSNull)
        let reasons = try #require(obj["reasons"] as? [[String: Any]])
        #expect(reasons.first?["severity"] as? String == "broken")
        #expect(reasons.first?["code"] as? String == "data-truncated")
        let keys = ["path", "format", "sample_rate", "channels", "bits_per_sample", "bitrate_kbps", "vbr",
                    "duration_seconds", "gapless_duration_seconds", "frames", "file_size", "verdict", "reasons"]
        var last = line.startIndex
        for k in keys {
            let range = try #require(line.range(of: "\"\(k)\":", range: last..<line.endIndex), "key \(k) missing or out of order")
            last = range.upperBound
        }
    }

    @Test("the table aligns its columns and ends with the summary")
    func table() throws {
        var lines: [String] = []
        var t = ReportTable(blockSize: 2) { lines.append($0) }
        var a = FileReport(path: "short.wav", format: .wav)
        a.sampleRate = 8000; a.channels = 1; a.bitsPerSample = 16; a.durationSeconds = 2
        var b = FileReport(path: "a/much/longer/name.mp3", format: .mp3)
        b.sampleRate = 44100; b.channels = 2; b.bitrateKbps = 128; b.isVBR = false; b.durationSeconds = 2.0375
        b.add(.trailingGarbage, .warning, "12 bytes after the last frame (offset 99) are neither audio nor a known tag")
        var c = FileReport(path: "x.wav", format: .wav)
        c.add(.dataMissing, .broken, "no 'data' chunk: the file holds no audio")
        t.add(a); t.add(b); t.add(c)
        t.finish()
        #expect(lines.count == 5)
        let formatColumn = try #require(lines[0].range(of: "FORMAT")).lowerBound.utf16Offset(in: lines[0])
        for line in lines[1...3] {
            let chars = Array(line)
            #expect(chars[formatColumn - 1] == " " && chars[formatColumn] != " ", "misaligned: \(line)")
        }
        #expect(lines[2].contains("128k CBR") && lines[2].contains("2.038 s") && lines[2].contains("warning"))
        #expect(lines[4] == "3 files: 1 ok, 1 warning, 1 broken")
    }

    @Test("the walker finds audio files by extension, recursively and in order, without following directory links")
    func walker() throws {
        let dir = TempDir()
        let fm = FileManager.default
        for d in ["b", "b/c", "a"] { try fm.createDirectory(atPath: dir.file(d), withIntermediateDirectories: true) }
        for f in ["z.wav", "notes.txt", "b/y.MP3", "b/c/x.rf64", "a/w.wave", "a/skip.flac"] {
            try Bytes.write([1, 2, 3], dir.file(f))
        }
        try fm.createSymbolicLink(atPath: dir.file("b/c/loop"), withDestinationPath: dir.path)
        var found: [String] = []
        DirectoryWalker(recursive: true).walk(dir.path) { entry in
            if case .file(let p) = entry { found.append(String(p.dropFirst(dir.path.count + 1))) }
        }
        #expect(found == ["z.wav", "a/w.wave", "b/y.MP3", "b/c/x.rf64"])
        var flat: [String] = []
        DirectoryWalker(recursive: false).walk(dir.path) { entry in
            if case .file(let p) = entry { flat.append(String(p.dropFirst(dir.path.count + 1))) }
        }
        #expect(flat == ["z.wav"])
        var single: [DirectoryWalker.Entry] = []
        DirectoryWalker(recursive: false).walk(dir.file("notes.txt")) { single.append($0) }
        #expect(single == [.file(dir.file("notes.txt"))], "a file named on the command line is always checked")
    }
}
