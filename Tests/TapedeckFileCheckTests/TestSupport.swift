import Foundation
import Testing
@testable import TapedeckFileCheck

/// A fresh directory per test (parallel-safe), removed when dropped.
final class TempDir {
    let path: String

    init(_ label: String = #function) {
        let base = FileManager.default.temporaryDirectory.path
        let safe = label.filter { $0.isLetter || $0.isNumber }
        var template = Array("\(base)/tapedeck-filecheck-\(safe.prefix(40))-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed")
        path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { path + "/" + name }
}

struct ToolError: Error, CustomStringConvertible {
    let description: String
}

enum Tool {
    /// Absolute path of a command-line tool, or an error naming the Debian
    /// package to install.
    static func find(_ name: String) throws -> String {
        for dir in ["/usr/bin", "/usr/local/bin", "/bin"] {
            let p = dir + "/" + name
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        let package = ["sox": "sox", "lame": "lame", "ffmpeg": "ffmpeg", "ffprobe": "ffmpeg",
                       "sndfile-convert": "sndfile-programs", "mpg123": "mpg123"][name] ?? name
        throw ToolError(description: "test tool '\(name)' is not installed: apt-get install -y \(package)")
    }

    /// Runs a tool and returns its standard output; throws with its stderr
    /// when it fails.
    @discardableResult
    static func run(_ name: String, _ args: [String]) throws -> String {
        String(decoding: try runData(name, args), as: UTF8.self)
    }

    /// Runs a tool and returns its standard output as bytes.
    static func runData(_ name: String, _ args: [String]) throws -> Data {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try find(name))
        p.arguments = args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        // stderr is small; read stdout to the end first so a large output cannot block the tool.
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw ToolError(description: "\(name) \(args.joined(separator: " ")) failed (\(p.terminationStatus)): \(String(decoding: e, as: UTF8.self))")
        }
        return o
    }

    /// Sample frames an independent decoder produces from an MP3: ffmpeg
    /// (16-bit, one channel, at the file's own rate) or mpg123 (16-bit mono,
    /// `-m`). Both honour the LAME tag's encoder delay and padding.
    static func decodedSamples(_ path: String, decoder: String = "ffmpeg") throws -> Int {
        let raw: Data
        if decoder == "mpg123" {
            raw = try runData("mpg123", ["-q", "-m", "-s", path])
        } else {
            raw = try runData("ffmpeg", ["-v", "error", "-i", path, "-f", "s16le", "-acodec", "pcm_s16le", "-ac", "1", "pipe:1"])
        }
        return raw.count / 2
    }

    static func ffprobeDuration(_ path: String) throws -> Double {
        let s = try run("ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", path])
        guard let d = Double(s.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw ToolError(description: "ffprobe gave no duration for \(path): '\(s)'")
        }
        return d
    }
}

enum Bytes {
    static func read(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    static func write(_ bytes: [UInt8], _ path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    static func le32(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
    }

    static func setLE32(_ b: inout [UInt8], _ i: Int, _ v: UInt32) {
        for k in 0..<4 { b[i + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt32(k))) }
    }

    /// Offset of the first occurrence of an ASCII id at or after `from`.
    static func find(_ b: [UInt8], _ ascii: String, from: Int = 0) -> Int? {
        let n = Array(ascii.utf8)
        guard b.count >= n.count, from <= b.count - n.count else { return nil }
        for i in from...(b.count - n.count) where b[i] == n[0] && Array(b[i..<(i + n.count)]) == n { return i }
        return nil
    }

    /// Walks the chunks of a well-formed WAV (test side, independent of the
    /// library): returns (id, header offset, size) for each.
    static func chunks(_ b: [UInt8]) -> [(id: String, offset: Int, size: Int)] {
        var out: [(String, Int, Int)] = []
        var p = 12
        while p + 8 <= b.count {
            let id = String(decoding: b[p..<(p + 4)], as: UTF8.self)
            var size = Int(le32(b, p + 4))
            if id == "data" && size == 0xFFFF_FFFF, let ds = find(b, "ds64") {
                size = Int(le32(b, ds + 16))
            }
            out.append((id, p, size))
            p += 8 + size + (size & 1)
        }
        return out
    }
}

/// A seeded generator so "random" offsets are reproducible.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Formats a report for failure messages.
func describe(_ r: FileReport) -> String {
    "\(r.path): \(r.verdict.rawValue) [" + r.reasons.map { "\($0.code.rawValue): \($0.message)" }.joined(separator: " | ") + "]"
}
