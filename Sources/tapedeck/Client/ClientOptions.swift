import TapedeckSystem
import ArgumentParser
import TapedeckControl
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `--socket`, shared by every client command (see docs/cli.md).
struct SocketOption: ParsableArguments {
    static let defaultPath = "/run/tapedeck/control.sock"

    @Option(name: .long, help: ArgumentHelp(
        "The daemon's control socket (default: $TAPEDECK_SOCKET, else \(SocketOption.defaultPath)).",
        valueName: "path"))
    var socket: String?

    /// The path to use: `--socket`, else `TAPEDECK_SOCKET` when set and not empty, else the default.
    var path: String {
        if let socket { return socket }
        if let env = getenv("TAPEDECK_SOCKET"), env.pointee != 0 { return String(cString: env) }
        return Self.defaultPath
    }
}

/// `--socket` and `--json`, for the commands that build requests themselves.
struct ClientOptions: ParsableArguments {
    @OptionGroup var socket: SocketOption

    @Flag(name: .long, help: "Send the JSON form and print the daemon's JSON replies as they are, one object per line.")
    var json = false

    var form: ReplyForm { json ? .json : .text }
}

/// Exit statuses of the client commands.
enum ClientExit {
    /// Every reply was a success or a notice.
    static let success: Int32 = 0
    /// At least one reply was an error (`ERROR: …` or `{"error":…}`).
    static let replyError: Int32 = 1
    /// The daemon could not be reached, or the connection failed.
    static let connection: Int32 = 2
}

extension ParsableCommand {
    /// Runs a client command: a `CommandFailure` becomes `tapedeck: <message>` on stderr and
    /// its exit status; the status `body` returns becomes the process's exit status.
    func runClient(_ body: () throws -> Int32) throws {
        let status: Int32
        do {
            status = try body()
        } catch let failure as CommandFailure {
            writeStderr("tapedeck: \(failure.message)\n")
            throw ExitCode(failure.exitCode)
        }
        if status != 0 { throw ExitCode(status) }
    }
}

/// Writes `text` to standard output at once (no buffering, so a line of `events` is
/// visible to a pipe as soon as it arrives).
func writeStdout(_ text: String) {
    FileDescriptor.standardOutput.write(text)
}
