/// Entry point of the checks: recognises WAV, RF64 and MP3 by content (the
/// name's extension only decides when the content says nothing, and a
/// `.part` suffix is seen through: `call.mp3.part` is named `.mp3`) and
/// returns a `FileReport`. Never throws and never traps on hostile input: I/O errors
/// become an `unreadable` finding.
public enum FileInspector {
    /// File name extensions `DirectoryWalker` picks up (lower case).
    public static let audioExtensions: Set<String> = ["wav", "wave", "rf64", "bwf", "mp3"]

    public static func inspect(path: String) -> FileReport {
        analyze(path: path).report
    }

    enum Layout {
        case wav(WAVLayout)
        case mp3(MP3Layout)
        case none
    }

    struct Analysis {
        var report: FileReport
        var layout: Layout
    }

    static func analyze(path: String) -> Analysis {
        let file: RandomAccessFile
        do {
            file = try RandomAccessFile(path: path)
        } catch let e as NotRegularFileError {
            return Analysis(report: FileReport(path: path, format: .unknown,
                                               reasons: [Reason(.notRegularFile, .broken, e.description)]),
                            layout: .none)
        } catch {
            return Analysis(report: FileReport(path: path, format: .unknown,
                                               reasons: [Reason(.unreadable, .broken, "\(error)")]),
                            layout: .none)
        }
        return analyze(file, path: path)
    }

    /// Checks an open file (or the view of a planned repair).
    static func analyze(_ file: RandomAccessFile, path: String) -> Analysis {
        var report = FileReport(path: path, format: .unknown)
        do {
            report.fileSize = Int64(file.size)
            if file.size == 0 {
                report.format = guessFormat(path)
                report.add(.empty, .broken, "file is empty (0 bytes)")
                return Analysis(report: report, layout: .none)
            }
            let head = try file.read(at: 0, count: 4)
            let ext = formatExtension(path)
            if ByteFields.matches(head, 0, "RIFF") || ByteFields.matches(head, 0, "RF64")
                || ByteFields.matches(head, 0, "BW64") || ByteFields.matches(head, 0, "RIFX") {
                report.format = .wav
                let L = try WAVInspector.inspect(file, report: &report)
                return Analysis(report: report, layout: .wav(L))
            }
            let looksMP3 = ByteFields.matches(head, 0, "ID3") || MP3FrameHeader(head) != nil
            if try looksMP3 || containsMP3Chain(file) || ext == "mp3" {
                let L = try MP3Inspector.inspect(file, report: &report)
                return Analysis(report: report, layout: .mp3(L))
            }
            report.format = guessFormat(path)
            if report.format == .unknown {
                report.add(.unknownFormat, .broken, "not a WAV, RF64 or MP3 file (starts with bytes \(hex(head)))")
            } else {
                report.add(.unknownFormat, .broken,
                           "file is named .\(ext) but does not start with RIFF or RF64 (starts with bytes \(hex(head)))")
            }
            return Analysis(report: report, layout: .none)
        } catch {
            report.add(.unreadable, .broken, "\(error)")
            return Analysis(report: report, layout: .none)
        }
    }

    static func fileExtension(_ path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        return String(name[name.index(after: dot)...]).lowercased()
    }

    /// The extension that names the format: the last one, or the one before
    /// a final `.part` (a writer's name for a file still being written).
    static func formatExtension(_ path: String) -> String {
        let ext = fileExtension(path)
        guard ext == "part" else { return ext }
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return fileExtension(String(name.dropLast(5)))
    }

    /// Whether the first 64 KiB hold three consecutive Layer III frames of
    /// one stream (an MP3 whose first bytes are damaged or not a tag). Three
    /// chained headers do not occur by chance in other data.
    static func containsMP3Chain(_ file: RandomAccessFile) throws -> Bool {
        let b = try file.read(at: 0, count: 64 * 1024)
        var i = 0
        while i + 4 <= b.count {
            defer { i += 1 }
            guard b[i] == 0xFF, let h1 = MP3FrameHeader(b[i..<(i + 4)]) else { continue }
            let j = i + h1.frameLength
            guard j + 4 <= b.count, let h2 = MP3FrameHeader(b[j..<(j + 4)]), h2.isCompatible(with: h1) else { continue }
            let k = j + h2.frameLength
            guard k + 4 <= b.count, let h3 = MP3FrameHeader(b[k..<(k + 4)]), h3.isCompatible(with: h1) else { continue }
            return true
        }
        return false
    }

    static func guessFormat(_ path: String) -> AudioFileFormat {
        switch formatExtension(path) {
        case "wav", "wave", "bwf": return .wav
        case "rf64": return .rf64
        case "mp3": return .mp3
        default: return .unknown
        }
    }

    static func hex(_ b: [UInt8]) -> String {
        b.map { byte in
            let s = String(byte, radix: 16)
            return s.count == 1 ? "0" + s : s
        }.joined(separator: " ")
    }
}
