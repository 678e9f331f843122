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
                    "duration_seconds", "gapless_duration_seconds", "lame_tag_crc", "frames", "file_size", "verdict", "reasons"]
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

    @Test("control characters in names and messages are escaped in the table: no terminal escape, no forged row")
    func tableEscapesControlCharacters() throws {
        var lines: [String] = []
        var t = ReportTable { lines.append($0) }
        var a = FileReport(path: "evil\u{1B}]0;owned\u{07}\nfake.wav  wav  8000  1  16 bit  1.000 s  ok\\x.wav", format: .wav)
        a.sampleRate = 8000; a.channels = 1; a.bitsPerSample = 16; a.durationSeconds = 1
        a.add(.unreadable, .broken, "cannot open tab\there\u{9B}31m: Permission denied")
        t.add(a)
        t.finish()
        #expect(lines == [
            "FILE                                                                      FORMAT  RATE  CH  BITS/BITRATE  DURATION  VERDICT  REASONS",
            "evil\\x1B]0;owned\\x07\\nfake.wav  wav  8000  1  16 bit  1.000 s  ok\\\\x.wav  wav     8000  1   16 bit        1.000 s   broken   cannot open tab\\there\\u{9B}31m: Permission denied",
            "1 file: 0 ok, 0 warning, 1 broken",
        ], "\(lines)")
        #expect(lines.allSatisfy { !$0.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) } })
        // JSON keeps the name exact (escaped the JSON way).
        #expect(a.jsonLine.hasPrefix(#"{"path":"evil\u001b]0;owned\u0007\nfake.wav"#), "\(a.jsonLine)")
        // Repair's lines are escaped the same way.
        let o = RepairOutcome(path: "x\u{1B}[2J\n.wav", status: .alreadyOK, destination: nil, changes: [], refusal: nil,
                              before: a, after: nil)
        #expect(o.summaryLine == "x\\x1B[2J\\n.wav: already ok")
    }

    @Test("a FIFO is refused at once, never opened for reading (which would block)")
    func fifoRefused() throws {
        let dir = TempDir()
        let fifo = dir.file("pipe.mp3")
        #expect(mkfifo(fifo, 0o644) == 0)
        let r = FileInspector.inspect(path: fifo)
        #expect(r.verdict == .broken && r.reasons.map(\.code) == [.notRegularFile], "\(describe(r))")
        #expect(r.reasons.first?.message == "\(fifo) is a FIFO, not a regular file: not read")
        let o = try FileRepairer.repair(path: fifo, output: nil, dryRun: false)
        #expect(o.status == .refused && o.refusal == "\(fifo) is a FIFO, not a regular file: not read", "\(o.summaryLine)")
    }

    @Test("the walker finds audio files by extension, recursively and in order, without following directory links")
    func walker() throws {
        let dir = TempDir()
        let fm = FileManager.default
        for d in ["b", "b/c", "a"] { try fm.createDirectory(atPath: dir.file(d), withIntermediateDirectories: true) }
        // `.part` files (a recording in progress) are not walked: a live
        // recorder's file would be reported broken.
        for f in ["z.wav", "notes.txt", "b/y.MP3", "b/c/x.rf64", "a/w.wave", "a/skip.flac", "a/live.wav.part", "b/live.mp3.part"] {
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

    @Test("content decides the format whatever the name; a .part suffix is seen through only when content says nothing")
    func formatByContent() throws {
        let dir = TempDir()
        let wav = try Bytes.read(try Corpus.path("sox-8k-mono-16.wav"))
        let mp3 = try Bytes.read(try Corpus.path("lame-16k-mono-32-notag.mp3"))
        let junk = MP3BrokenTests.garbage(100, seed: 3)
        let zeros = [UInt8](repeating: 0, count: 70_000)  // past the 64 KiB content sniff
        let cases: [(String, [UInt8], AudioFileFormat, Verdict, ReasonCode?)] = [
            ("call.wav.part", wav, .wav, .ok, nil),
            ("call.mp3", wav, .wav, .ok, nil),
            ("call", wav, .wav, .ok, nil),
            ("call.mp3.part", mp3, .mp3, .ok, nil),
            ("misnamed.wav", mp3, .mp3, .ok, nil),
            ("junk-first.part", junk + mp3, .mp3, .warning, .leadingGarbage),
            ("junk-first.wav", junk + mp3, .mp3, .warning, .leadingGarbage),
            ("zeros-first.mp3.part", zeros + mp3, .mp3, .warning, .leadingGarbage),
            ("zeros-first.part", zeros + mp3, .unknown, .broken, .unknownFormat),
            ("text.wav.part", Array("not audio\n".utf8), .wav, .broken, .unknownFormat),
        ]
        for (name, bytes, format, verdict, code) in cases {
            let path = dir.file(name)
            try Bytes.write(bytes, path)
            let r = FileInspector.inspect(path: path)
            #expect(r.format == format && r.verdict == verdict, "\(name): \(r.format) \(describe(r))")
            if let code { #expect(r.has(code), "\(name): \(describe(r))") }
            if format == .mp3 && verdict != .broken {
                #expect(r.frameCount == Int64(MP3TestFrames.frames(mp3).count), "\(name): \(describe(r))")
            }
        }
        let text = FileInspector.inspect(path: dir.file("text.wav.part")).reasons.first?.message ?? ""
        #expect(text.hasPrefix("file is named .wav but does not start with RIFF"), "\(text)")
    }
}
