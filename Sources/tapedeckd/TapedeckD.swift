import ArgumentParser
import Foundation
import Logging
import TapedeckConfig
import TapedeckDaemon
import TapedeckService
#if canImport(Glibc)
import Glibc
#endif

@main
struct TapedeckD: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tapedeckd",
        abstract: "The Tapedeck recording daemon.",
        discussion: "Captures every configured device and records on commands from the control socket."
    )

    @Option(help: "The configuration file.")
    var config: String = TapedeckConfiguration.defaultPath

    @Option(help: "Run on the built-in virtual stations, with the socket, spool and database under this folder (for demos).")
    var demo: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    func run() throws {
        // Signals are taken by sigwait on this thread: block them before any thread starts.
        var set = sigset_t()
        sigemptyset(&set)
        for s in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&set, s) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
        signal(SIGPIPE, SIG_IGN)

        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { JournalLogHandler(label: $0, level: level) }
        let logger = Logger(label: "tapedeckd")

        let configuration: TapedeckConfiguration
        do {
            if let demo {
                let dir = demo.hasPrefix("/") ? demo : FileManager.default.currentDirectoryPath + "/" + demo
                configuration = try TapedeckConfiguration.virtualDemo(
                    spool: dir + "/spool", socket: dir + "/control.sock", database: dir + "/recordings.sqlite"
                ).validated(source: "--demo \(demo)")
            } else {
                configuration = try TapedeckConfiguration.load(path: config)
            }
        } catch {
            FileHandle.standardError.write(Data("tapedeckd: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let notifier = SystemdNotifier()
        let daemon: Daemon
        do {
            // Activity runs on request threads; the status is informational, so races are harmless.
            daemon = try Daemon(configuration: configuration, logger: logger) { active in
                _ = notifier.status("\(active) recording(s) active")
            }
        } catch {
            FileHandle.standardError.write(Data("tapedeckd: cannot start: \(error)\n".utf8))
            throw ExitCode(1)
        }
        logger.notice("ready", metadata: ["stations": "\(configuration.stations.count)", "socket": "\(configuration.control.socket)"])
        // READY=1 once every device captures and the socket listens (both done by Daemon.init).
        _ = notifier.ready(status: "\(configuration.stations.count) station(s), 0 recording(s) active")
        // WATCHDOG=1 only while every capture thread and the writer make progress.
        let progress = ProgressMonitor(maxStall: .seconds(3))
        let watchdog = Watchdog.fromEnvironment(notifier: notifier, logger: logger) {
            progress.check(daemon.progressCounters)
        }
        watchdog?.start()
        while true {
            var sig: Int32 = 0
            sigwait(&set, &sig)
            if sig == SIGHUP {
                if demo != nil {
                    logger.warning("SIGHUP: nothing to reload (--demo runs the built-in configuration)")
                } else {
                    _ = notifier.reloading()
                    daemon.reload(configurationAt: config)
                    _ = notifier.ready(status: "\(daemon.configuration.stations.count) station(s), "
                                       + "\(daemon.controller.activeRecordings.count) recording(s) active")
                }
                continue
            }
            break
        }
        watchdog?.stop()
        _ = notifier.stopping(status: "finalising \(daemon.controller.activeRecordings.count) recording(s)")
        daemon.shutdown()
    }
}
