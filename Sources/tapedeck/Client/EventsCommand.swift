import ArgumentParser
import TapedeckControl

struct Events: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Follow the daemon's events (function=subscribe) until Ctrl-C or the daemon closes.",
        discussion: """
            Prints the subscribe reply, then one line per event as it arrives: readable \
            (10:10:23 recording.completed 1000 #42 20261121-101010__1000.wav 12.5 s 195 KB), \
            or with --json the daemon's JSON object as it came. See docs/cli.md.
            """)

    @OptionGroup var options: ClientOptions

    func run() throws {
        try runClient {
            Signals.trapStop()
            let connection = try ControlConnection(path: options.socket.path)
            try connection.send(line: ClientRequest(.subscribe).line(options.form))
            let stop = { Signals.stopRequested }
            guard let reply = try connection.readLine(stop: stop) else {
                if stop() { return ClientExit.success }
                throw CommandFailure(message: "\(connection.path): the daemon closed the connection without a reply",
                                     exitCode: ClientExit.connection)
            }
            writeStdout(reply + "\n")
            if ReplyLine(reading: reply).isError { return ClientExit.replyError }
            while let line = try connection.readLine(stop: stop) {
                writeStdout((options.json ? line : EventLine.readable(line)) + "\n")
            }
            return ClientExit.success
        }
    }
}
