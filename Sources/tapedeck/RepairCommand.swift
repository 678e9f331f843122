import ArgumentParser
import TapedeckFileCheck
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
            file is never made worse. See docs/validate.md.
            """
    )

    @Flag(name: .long, help: "Show what would change without writing anything.")
    var dryRun = false

    @Option(name: [.short, .long], help: "Write repaired files into this directory instead of replacing them.")
    var output: String?

    // `.allUnrecognized` so that an unknown option reaches `run()` and is
    // reported with exit status 2 instead of ArgumentParser's 64.
    @Argument(parsing: .allUnrecognized, help: "Files to repair.")
    var files: [String] = []

    func run() throws {
        let files = FileCheckCLI.checkedPaths(self.files, command: "repair")
        if let output {
            var st = stat()
            guard stat(output, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else {
                FileCheckCLI.usageError("repair: --output \(output): not a directory")
            }
        }
        var failed = false
        for path in files {
            var st = stat()
            if stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
                print(TerminalText.escaped("\(path): refused: is a directory (repair takes files)"))
                failed = true
                continue
            }
            do {
                let outcome = try FileRepairer.repair(path: path, output: output, dryRun: dryRun)
                print(outcome.summaryLine)
                if outcome.status == .refused { failed = true }
            } catch {
                print(TerminalText.escaped("\(path): failed: \(error)"))
                failed = true
            }
        }
        if failed { throw ExitCode(1) }
    }
}
