import TapedeckSystem
import ArgumentParser
import TapedeckFileCheck
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `tapedeck validate`: offline check of WAV, RF64 and MP3 files.
/// Exit status: 0 when no file is broken, 1 when any is, 2 on a usage error.
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check WAV, RF64 and MP3 files and report which are broken.",
        discussion: """
            Prints format, sample rate, channels, bit depth or bitrate, duration and a \
            verdict (ok, warning, broken) with reasons for every file. Exit status: 0 when \
            no file is broken, 1 when any is, 2 on a usage error. See docs/validate.md.
            """
    )

    @Flag(name: .long, help: "Print one JSON object per file, one per line.")
    var json = false

    @Flag(name: [.short, .long], help: "Descend into subdirectories.")
    var recursive = false

    // `.allUnrecognized` so that an unknown option reaches `run()` and is
    // reported with exit status 2 instead of ArgumentParser's 64.
    @Argument(parsing: .allUnrecognized, help: "Files or directories to check.")
    var paths: [String] = []

    func run() throws {
        let paths = FileCheckCLI.checkedPaths(self.paths, command: "validate")
        let progress = FileCheckProgressLine(enabled: isatty(2) != 0)
        var table = ReportTable { print($0) }
        var anyBroken = false
        let walker = DirectoryWalker(recursive: recursive)
        for root in paths {
            walker.walk(root) { entry in
                let report: FileReport
                switch entry {
                case .file(let path):
                    progress.update(done: table.total, current: path)
                    report = FileInspector.inspect(path: path)
                case .error(let path, let message):
                    report = FileReport(path: path, format: .unknown,
                                        reasons: [Reason(.unreadable, .broken, message)])
                }
                if report.verdict == .broken { anyBroken = true }
                progress.clear()
                if json {
                    print(report.jsonLine)
                } else {
                    table.add(report)
                }
            }
        }
        progress.clear()
        if !json { table.finish() }
        if anyBroken { throw ExitCode(1) }
    }
}

/// Helpers shared by `validate` and `repair`, kept in one namespace so they
/// cannot clash with other commands of the tool.
enum FileCheckCLI {
    /// Rejects unknown options and missing paths (exit status 2). A file
    /// whose name starts with "-" can be given after "--" or as "./-name".
    static func checkedPaths(_ arguments: [String], command: String) -> [String] {
        var paths: [String] = []
        var optionsEnded = false
        for arg in arguments {
            if !optionsEnded && arg == "--" { optionsEnded = true; continue }
            if !optionsEnded && arg.hasPrefix("-") && arg != "-" {
                usageError("\(command): unknown option '\(arg)'")
            }
            paths.append(arg)
        }
        guard !paths.isEmpty else { usageError("\(command): no path given") }
        for path in paths where access(path, F_OK) != 0 {
            usageError("\(command): \(path): no such file or directory")
        }
        return paths
    }

    /// Prints a one-line usage error to stderr and exits with status 2.
    static func usageError(_ message: String) -> Never {
        emit("tapedeck \(TerminalText.escaped(message))\n")
        Validate.exit(withError: ExitCode(2))
    }

    /// Writes to stderr (fd 2), unbuffered.
    static func emit(_ s: String) {
        FileDescriptor.standardError.write(s)
    }
}

/// A progress line on stderr, only when stderr is a terminal; redrawn at
/// most ten times a second with a carriage return.
final class FileCheckProgressLine {
    let enabled: Bool
    private var lastDraw = 0.0
    private var drawn = false

    init(enabled: Bool) { self.enabled = enabled }

    private func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    func update(done: Int, current: String) {
        guard enabled else { return }
        let t = now()
        guard t - lastDraw >= 0.1 else { return }
        lastDraw = t
        var name = TerminalText.escaped(current)
        if name.count > 60 { name = "…" + name.suffix(59) }
        FileCheckCLI.emit("\r\u{1B}[K\(done) files checked  \(name)")
        drawn = true
    }

    func clear() {
        guard enabled, drawn else { return }
        FileCheckCLI.emit("\r\u{1B}[K")
        drawn = false
    }
}
