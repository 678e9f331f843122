import Foundation
import TapedeckFileCheck

/// The body of the WAV and MP3 fuzz targets: the input becomes a file (in /dev/shm,
/// where writing costs no disk I/O) named with `fileExtension`, which
/// FileInspector.inspect(path:) and then FileRepairer.repair(path:output:) take as
/// `tapedeck validate` and `tapedeck repair --output` would. Checked besides "never
/// traps": the report is of the file's real size, has no I/O finding, and renders to
/// one JSON object; the repairer never changes the original, never throws on a
/// readable file, and leaves in the output directory only the repaired file, whose
/// inspection is the one it reported.
public enum FileCheckFuzz {
    nonisolated(unsafe) static var directory: String?

    public static func test(_ bytes: [UInt8], fileExtension: String) {
        let size = bytes.count
        let dir = workDirectory()
        let path = dir + "/input." + fileExtension
        let output = dir + "/out"
        writeFile(path, bytes)
        let report = FileInspector.inspect(path: path)
        check(report.fileSize == Int64(size), "file size \(String(describing: report.fileSize)), not \(size)")
        check(!report.has(.unreadable), "I/O finding on a readable file: \(report.jsonLine)")
        checkJSON(report.jsonLine)

        let outcome: RepairOutcome
        do { outcome = try FileRepairer.repair(path: path, output: output) } catch {
            fatalError("repair threw on a readable file: \(error)")
        }
        check(readFile(path) == bytes, "repair changed the original")
        let left = (try? FileManager.default.contentsOfDirectory(atPath: output)) ?? []
        if outcome.status == .repaired {
            let destination = output + "/input." + fileExtension
            check(outcome.destination == destination && left == ["input." + fileExtension],
                  "repaired into \(String(describing: outcome.destination)), directory holds \(left)")
            var again = FileInspector.inspect(path: destination)
            again.path = outcome.after?.path ?? ""
            check(again.jsonLine == outcome.after?.jsonLine,
                  "the repaired file inspects as \(again.jsonLine), not as reported: \(outcome.after?.jsonLine ?? "nil")")
            unlink(destination)
        } else {
            check(left.isEmpty, "\(outcome.status.rawValue), but the output directory holds \(left)")
        }
        check(!outcome.summaryLine.contains("\n"), "summary is not one line: \(outcome.summaryLine.debugDescription)")
    }

    /// A directory of this process, removed at exit.
    static func workDirectory() -> String {
        if let directory { return directory }
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        let dir = base + "/tapedeck-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: dir + "/out", withIntermediateDirectories: true)
        directory = dir
        atexit { if let dir = FileCheckFuzz.directory { try? FileManager.default.removeItem(atPath: dir) } }
        return dir
    }

    // POSIX rather than FileManager: FileManager.contents(atPath:) leaks its buffer on
    // an empty file, which LeakSanitizer would report as a finding of ours.
    static func writeFile(_ path: String, _ bytes: [UInt8]) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        check(fd >= 0 && bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } == bytes.count,
              "cannot write \(path)")
        close(fd)
    }

    static func readFile(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { return n == 0 ? bytes : nil }
            bytes += chunk[0..<n]
        }
    }

    static func check(_ condition: Bool, _ message: @autoclosure () -> String) {
        if !condition { fatalError(message()) }
    }

    static func checkJSON(_ line: String) {
        let object = try? JSONSerialization.jsonObject(with: Data(line.utf8))
        check(!line.contains("\n") && object is [String: Any], "report is not one JSON object on one line: \(line)")
    }
}
