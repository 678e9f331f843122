import ArgumentParser
import Foundation
import TapedeckAudio
import TapedeckConfig
import TapedeckFileCheck
import TapedeckLog
import TapedeckSystem
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `tapedeck repair`: rewrite broken WAV headers and clean MP3 streams.
/// Exit status: 0 when every file was ok or repaired, 1 when any was
/// refused or could not be written, 2 on a usage error.
struct Repair: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repair",
        abstract: "Repair WAV, RF64 and MP3 files that validate reports as broken.",
        discussion: """
            WAV/RF64: rewrites the RIFF/ds64 and data sizes from the audio really present, \
            rounded down to whole frames; sample bytes are never changed. MP3: drops garbage \
            and a truncated last frame, fixes or removes a wrong Xing/Info tag. The result is \
            written to a temporary file, checked, and renamed into place (or into --output); a \
            file is never made worse. With --config FILE (or --database PATH) the files are \
            recordings of that daemon's log: each repair is recorded in the log's hash chain \
            (so tapedeck verify reports it as a repair, not as tampering), and a file whose \
            SHA-256 is not the one the log has is refused untouched. See docs/validate.md.
            """
    )

    @Flag(name: .long, help: "Show what would change without writing anything.")
    var dryRun = false

    @Option(name: [.short, .long], help: "Write repaired files into this directory instead of replacing them.")
    var output: String?

    @Option(name: .long, help: "The daemon's tapedeck.toml: record each repair in its recording log.")
    var config: String?

    @Option(name: .long, help: "The recording log to record each repair in (instead of --config).")
    var database: String?

    // `.allUnrecognized` so that an unknown option reaches `run()` and is
    // reported with exit status 2 instead of ArgumentParser's 64.
    @Argument(parsing: .allUnrecognized, help: "Files to repair.")
    var files: [String] = []

    func run() throws {
        let files = FileCheckCLI.checkedPaths(self.files, command: "repair")
        if let output {
            guard (try? FileStatus.of(output).get())?.isDirectory == true else {
                FileCheckCLI.usageError("repair: --output \(output): not a directory")
            }
        }
        let log = openLog()
        var failed = false
        for path in files {
            if (try? FileStatus.of(path).get())?.isDirectory == true {
                print(TerminalText.escaped("\(path): refused: is a directory (repair takes files)"))
                failed = true
                continue
            }
            var recorded: RecordedRepair.Checked?
            if let log {
                switch RecordedRepair.check(path, in: log) {
                case .failure(let refusal):
                    print(TerminalText.escaped("\(path): refused: \(refusal)"))
                    failed = true
                    continue
                case .success(let file):
                    recorded = file
                }
            }
            do {
                let outcome = try FileRepairer.repair(path: path, output: output, dryRun: dryRun)
                print(outcome.summaryLine)
                if outcome.status == .refused { failed = true }
                if let log, let recorded, outcome.status == .repaired {
                    do {
                        let record = try RecordedRepair.record(path, recorded, in: log)
                        print(TerminalText.escaped(
                            "\(path): recorded: repair \(record.id) of recording \(record.recordingID) in the log, sha256 \(record.sha256After)"))
                    } catch {
                        print(TerminalText.escaped("\(path): repaired, but not recorded in the log: \(error)"))
                        failed = true
                    }
                }
            } catch {
                print(TerminalText.escaped("\(path): failed: \(error)"))
                failed = true
            }
        }
        if failed { throw ExitCode(1) }
    }

    /// The recording log named by --config or --database, opened to record repairs.
    func openLog() -> RecordingLog? {
        if config != nil && database != nil { FileCheckCLI.usageError("repair: give --config or --database, not both") }
        var path = database
        if let config {
            do throws(ConfigError) {
                path = try TapedeckConfiguration.load(path: config).database
            } catch {
                FileCheckCLI.usageError("repair: \(error)")
            }
        }
        guard let path else { return nil }
        if output != nil {
            FileCheckCLI.usageError("repair: --output writes copies, which change nothing the log recorded: drop --config/--database")
        }
        do {
            return try RecordingLog.openForRepairs(path: path)
        } catch {
            FileCheckCLI.usageError("repair: \(error)")
        }
    }
}

/// A hand repair of a recording the log knows: checked against the log before, recorded after.
enum RecordedRepair {
    /// A file the log knows, and its SHA-256 before the repair.
    struct Checked {
        var file: RecordingLog.RecordedFile
        var sha256: String
    }

    /// The log's record of the file at `path`, or why it must not be repaired.
    static func check(_ path: String, in log: RecordingLog) -> Result<Checked, Refusal> {
        let real = Verify.canonical(path)
        let base = real.split(separator: "/").last.map(String.init) ?? real
        let name = base.lastIndex(of: ".").map { String(base[..<$0]) } ?? base
        let found: RecordingLog.RecordedFile?
        do {
            found = try log.recordedFile(named: name) { Verify.canonical($0) == real }
        } catch {
            return .failure(Refusal("\(error)"))
        }
        guard let file = found else { return .failure(Refusal("not a recording of the log \(log.path ?? "")")) }
        if file.isOpen { return .failure(Refusal("recording \(file.recordingID) is still being written")) }
        let actual: String
        do throws(FileError) {
            actual = try FileDigest.sha256(path: path)
        } catch {
            return .failure(Refusal("\(error)"))
        }
        // A row closed before the log had file hashes has none: the repair records the file as found.
        if let expected = file.sha256, actual != expected {
            return .failure(Refusal("its sha256 \(actual) is not the \(expected) the log has for recording \(file.recordingID): "
                + "it was changed since it was recorded (see tapedeck verify); left untouched"))
        }
        return .success(Checked(file: file, sha256: actual))
    }

    /// Records the repair just made of `path`: its new SHA-256 and size, and who made it.
    static func record(_ path: String, _ checked: Checked, in log: RecordingLog) throws -> RepairRecord {
        let after = try FileDigest.sha256(path: path)
        let st: FileStatus
        switch FileStatus.of(path) {
        case .success(let s): st = s
        case .failure(let e): throw FileError(operation: "stat", path: path, errno: e)
        }
        return try log.recordRepair(recordingID: checked.file.recordingID, before: checked.sha256, after: after,
                                    sizeBytes: Int64(st.size), tool: "tapedeck repair", by: userName())
    }

    /// The login name of the user running this, or `uid N`.
    static func userName() -> String {
        if let pw = getpwuid(getuid()), let name = pw.pointee.pw_name { return String(cString: name) }
        return "uid \(getuid())"
    }

    struct Refusal: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }
}

extension RecordedRepair.Refusal: CustomStringConvertible {
    var description: String { message }
}
