import ArgumentParser
import TapedeckControl

// The client commands of the control protocol (docs/cli.md, docs/protocol.md). Each sends
// its request(s) on one connection and prints the replies: in text form the reply line and
// a summary line; with --json the JSON reply as it came. Exit status: 0, 1 when a reply is
// an error, 2 when the daemon cannot be reached.

enum ClientExchange {
    /// Sends `requests` (pipelined on one connection), prints each reply in order and
    /// returns the exit status. In text form a reply identical to the one before it is
    /// not printed again (`status` of an agent that is not logged in).
    static func run(_ requests: [ClientRequest], _ options: ClientOptions) throws -> Int32 {
        let connection = try ControlConnection(path: options.socket.path)
        for request in requests { try connection.send(line: request.line(options.form)) }
        var status = ClientExit.success
        var previous: String?
        for _ in requests {
            let reply = try connection.readReply()
            let read = ReplyLine(reading: reply)
            if read.isError { status = ClientExit.replyError }
            switch options.form {
            case .json:
                writeStdout(reply + "\n")
            case .text:
                if reply != previous { writeStdout(ReplySummary.readable(reply, read)) }
            }
            previous = reply
        }
        return status
    }
}

struct Login: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Log an agent in at a station (function=login).",
        discussion: "One agent per station and one station per agent. See docs/cli.md.")

    @OptionGroup var options: ClientOptions
    @Argument(help: "The agent (agent_user).")
    var agent: String
    @Option(help: "The station, as configured in tapedeckd's configuration.")
    var station: String
    @Option(help: "The agent's conference/session number (session_id), e.g. 8600051.")
    var session: String
    @Option(help: "The agent's web server IP or host name (agent_server; default: the box's server_ip).")
    var server: String?
    @Option(help: "The agent's status word (agent_status; default PAUSED).")
    var status: String?

    func run() throws {
        try runClient {
            try ClientExchange.run([ClientRequest(.login, [
                ("agent_user", agent), ("station", station), ("session_id", session),
                ("agent_server", server), ("agent_status", status),
            ])], options)
        }
    }
}

struct Logout: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Log an agent out (function=logout): ends all its recordings and frees its station.")

    @OptionGroup var options: ClientOptions
    @Argument(help: "The agent (agent_user).")
    var agent: String

    func run() throws {
        try runClient { try ClientExchange.run([ClientRequest(.logout, [("agent_user", agent)])], options) }
    }
}

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show an agent's recordings: recording STATUS, then stereo_recording STATUS.")

    @OptionGroup var options: ClientOptions
    @Argument(help: "The agent (agent_user).")
    var agent: String

    func run() throws {
        try runClient {
            try ClientExchange.run([
                .recording(.recording, .status, agent: agent),
                .recording(.stereoRecording, .status, agent: agent),
            ], options)
        }
    }
}

/// The options of START and BEGIN; each is sent as given
/// and checked by the daemon.
struct StartOptions: ParsableArguments {
    @Option(help: "A stage appended to the reply's value word and to the filename, e.g. _MIDCALL.")
    var stage: String?
    @Option(help: "wav or mp3 (default: the daemon's).")
    var format: String?
    @Option(help: "MP3 bitrate in kbit/s.")
    var bitrate: String?
    @Option(help: "End the recording after this many seconds (3-7200).")
    var timeout: String?
    @Option(help: "End the recording after this many seconds of silence on both legs (3-10).")
    var endOnSilence: String?
    @Option(help: "End the recording when this DTMF key (0-9, *, #) is heard on the customer leg.")
    var endOnKey: String?
    @Option(help: "Seconds of audio from before the command to include (0-3600).")
    var preroll: String?
    @Option(help: "Discard the recording if it is shorter than this many seconds.")
    var minDuration: String?
    @Option(help: "split: also write one file per leg.")
    var legs: String?

    var parameters: [(String, String?)] {
        [("stage", stage), ("format", format), ("bitrate", bitrate), ("timeout", timeout),
         ("end_on_silence", endOnSilence), ("end_on_key", endOnKey), ("preroll", preroll),
         ("min_duration", minDuration), ("legs", legs)]
    }
}

struct Start: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start a recording of an agent's session (function=recording&value=START).",
        discussion: "Several may run at once on one session; `tapedeck stop` ends them all.")

    @OptionGroup var options: ClientOptions
    @Argument(help: "The agent (agent_user).")
    var agent: String
    @OptionGroup var start: StartOptions

    func run() throws {
        try runClient {
            try ClientExchange.run([.recording(.recording, .start, agent: agent, start.parameters)], options)
        }
    }
}

struct Stop: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Stop every recording `start` began for an agent (function=recording&value=STOP).",
        discussion: "Replies once the files are final. Does not end a stereo recording.")

    @OptionGroup var options: ClientOptions
    @Argument(help: "The agent (agent_user).")
    var agent: String

    func run() throws {
        try runClient {
            try ClientExchange.run([.recording(.recording, .stop, agent: agent)], options)
        }
    }
}

struct Stereo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The agent-controlled stereo recording (function=stereo_recording).",
        subcommands: [Begin.self, End.self, Query.self])

    struct Begin: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Begin the stereo recording (agent left, customer right); at most one per session.")

        @OptionGroup var options: ClientOptions
        @Argument(help: "The agent (agent_user).")
        var agent: String
        @OptionGroup var start: StartOptions

        func run() throws {
            try runClient {
                try ClientExchange.run([.recording(.stereoRecording, .start, agent: agent, start.parameters)], options)
            }
        }
    }

    struct End: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "End the stereo recording; replies once the file is final.")

        @OptionGroup var options: ClientOptions
        @Argument(help: "The agent (agent_user).")
        var agent: String

        func run() throws {
            try runClient {
                try ClientExchange.run([.recording(.stereoRecording, .stop, agent: agent)], options)
            }
        }
    }

    struct Query: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract: "Show the stereo recording of an agent's session.")

        @OptionGroup var options: ClientOptions
        @Argument(help: "The agent (agent_user).")
        var agent: String

        func run() throws {
            try runClient {
                try ClientExchange.run([.recording(.stereoRecording, .status, agent: agent)], options)
            }
        }
    }
}

struct Send: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Send raw request lines and print the raw replies.",
        discussion: """
            Each LINE is one request, sent as it is (a query string or a JSON object), e.g. \
            tapedeck send 'function=agent_status&agent_user=1000&value=READY'. \
            Quote it for the shell; percent-encode values yourself.
            """)

    @OptionGroup var socket: SocketOption
    @Argument(help: ArgumentHelp("Request lines.", valueName: "line"))
    var lines: [String]

    func validate() throws {
        if lines.isEmpty { throw ValidationError("give at least one request line") }
        if lines.contains(where: { $0.contains("\n") || $0.contains("\r") }) {
            throw ValidationError("a request line cannot contain a line break; give each line as its own argument")
        }
    }

    func run() throws {
        try runClient {
            let connection = try ControlConnection(path: socket.path)
            for line in lines { try connection.send(line: line) }
            var status = ClientExit.success
            for _ in lines {
                let reply = try connection.readReply()
                writeStdout(reply + "\n")
                let read = ReplyLine(reading: reply)
                if read.isError { status = ClientExit.replyError; continue }
                // The text forms of recording_lookup (one line per recording) and
                // metrics are several lines, then an empty line; every other
                // reply is one line.
                if read.beginsSeveralLines {
                    while let more = try connection.readLine() {
                        writeStdout(more + "\n")
                        if more.isEmpty { break }
                    }
                }
            }
            return status
        }
    }
}
