import TapedeckSystem
import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

/// A failure reported as one line on standard error, then a non-zero exit.
struct CommandFailure: Error {
    let message: String
    var exitCode: Int32 = 1
}

extension ParsableCommand {
    /// Runs `body`, turning a `CommandFailure` into its one-line message and exit code.
    func reportingFailures(_ command: String, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch let failure as CommandFailure {
            writeStderr("tapedeck \(command): \(failure.message)\n")
            throw ExitCode(failure.exitCode)
        }
    }
}

/// Writes `text` to standard error, unbuffered.
func writeStderr(_ text: String) {
    FileDescriptor.standardError.write(text)
}
