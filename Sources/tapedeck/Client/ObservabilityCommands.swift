import ArgumentParser
import TapedeckControl
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// `tapedeck metrics` and `tapedeck health` (docs/cli.md, docs/operations.md).

/// `--timeout`, for the commands a monitoring system runs.
struct ProbeTimeout: ParsableArguments {
    @Option(help: ArgumentHelp("Give up when the daemon has not answered within this many seconds.", valueName: "seconds"))
    var timeout: Double = 10

    func validate() throws {
        guard timeout > 0, timeout.isFinite else { throw ValidationError("--timeout must be a positive number of seconds") }
    }

    /// A stop condition for `ControlConnection.readLine(stop:)`.
    func deadline() -> () -> Bool {
        let end = Self.now() + timeout
        return { Self.now() >= end }
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

struct Metrics: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the daemon's metrics in the Prometheus text format (function=metrics).",
        discussion: """
            Prints the exposition as the daemon sent it (without the empty line that ends \
            the reply), e.g. for node_exporter's textfile collector; with --json the reply \
            object {"data":{"metrics":"…"}}. Exit status 0, 1 on an error reply, 2 when \
            the daemon cannot be reached or does not answer in time. See docs/operations.md.
            """)

    @OptionGroup var options: ClientOptions
    @OptionGroup var wait: ProbeTimeout

    func run() throws {
        try runClient {
            let connection = try ControlConnection(path: options.socket.path)
            try connection.send(line: ClientRequest(.metrics).line(options.form))
            let stop = wait.deadline()
            guard let first = try connection.readLine(stop: stop) else { throw Self.noAnswer(connection, stop()) }
            let isError = ReplyLine(reading: first).isError
            if options.json || isError {
                writeStdout(first + "\n")
                return isError ? ClientExit.replyError : ClientExit.success
            }
            // The text form: the exposition's lines, then an empty line.
            var text = first.isEmpty ? "" : first + "\n"
            if !first.isEmpty {
                while true {
                    guard let line = try connection.readLine(stop: stop) else { throw Self.noAnswer(connection, stop()) }
                    if line.isEmpty { break }
                    text += line + "\n"
                }
            }
            writeStdout(text)
            return ClientExit.success
        }
    }

    static func noAnswer(_ connection: ControlConnection, _ timedOut: Bool) -> CommandFailure {
        CommandFailure(message: timedOut ? "\(connection.path): no complete reply in time"
                                         : "\(connection.path): the daemon closed the connection before the end of the reply",
                       exitCode: ClientExit.connection)
    }
}

struct Health: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the daemon's health (function=health), as a Nagios-style plugin.",
        discussion: """
            Prints the daemon's one line (OK: …, WARNING: …, CRITICAL: …), or with --json \
            its reply object. Exit status (the Nagios plugin convention): 0 OK (every \
            device captures), 1 WARNING (degraded: some device is down or stalled), 2 CRITICAL (no \
            device captures, or the daemon cannot be reached or does not answer in time: \
            a line `CRITICAL: tapedeckd unreachable - …` is printed), 3 UNKNOWN (an error \
            reply or a reply it does not know). See docs/operations.md.
            """)

    @OptionGroup var options: ClientOptions
    @OptionGroup var wait: ProbeTimeout

    /// Nagios plugin exit statuses.
    enum Status {
        static let ok: Int32 = 0
        static let warning: Int32 = 1
        static let critical: Int32 = 2
        static let unknown: Int32 = 3
    }

    func run() throws {
        let status: Int32
        do {
            let connection = try ControlConnection(path: options.socket.path)
            try connection.send(line: ClientRequest(.health).line(options.form))
            let stop = wait.deadline()
            guard let reply = try connection.readLine(stop: stop) else {
                throw Metrics.noAnswer(connection, stop())
            }
            writeStdout(reply + "\n")
            status = Self.status(of: reply)
        } catch let failure as CommandFailure {
            // A monitoring system shows standard output: say what is wrong there.
            writeStdout("CRITICAL: tapedeckd unreachable - \(failure.message)\n")
            status = Status.critical
        }
        if status != 0 { throw ExitCode(status) }
    }

    /// The exit status a reply line stands for, in either form.
    static func status(of reply: String) -> Int32 {
        switch ReplyLine(reading: reply).health {
        case .ok: Status.ok
        case .degraded: Status.warning
        case .down: Status.critical
        case nil: Status.unknown
        }
    }
}
