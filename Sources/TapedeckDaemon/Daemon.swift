import Foundation
import Logging
import TapedeckAudio
import TapedeckConfig
import TapedeckControl
import TapedeckDomain
import TapedeckEngine
import TapedeckLifecycle
import TapedeckLog
import TapedeckSystem
import TapedeckWebhooks
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// tapedeckd: the configuration turned into running parts — the audio engine (every
/// device captured from the start), the recording log, the controller, the event hub and
/// the control socket — and their orderly shutdown.
public final class Daemon: @unchecked Sendable {
    private let current: Mutex<TapedeckConfiguration>
    /// The configuration in force (the start's, or the last reload's).
    public var configuration: TapedeckConfiguration { current.withLock { $0 } }
    func setConfiguration(_ c: TapedeckConfiguration) { current.withLock { $0 = c } }
    /// Serialises reloads.
    let reloading = Mutex(())
    public let controller: Controller
    let timeZone: TimeZone
    let engine: AudioEngine
    let log: RecordingLog
    let events: EventHub
    /// The webhook outbox's router and delivery workers.
    let webhooks: Webhooks
    let server: ControlServer
    /// The HTTP listener for Prometheus, when `[metrics] listen` is set.
    let scrape: ScrapeServer?
    let metrics: Metrics
    let logger: Logger
    /// This daemon's claim on its spool(s), database and socket, held until it ends.
    let locks: InstanceLocks
    /// The MP3 write-behind folder (`DaemonFiles.writeBehindFolder`), nil when it could
    /// not be made (each batch is then written at once).
    let writeBehind: String?
    /// The running parts, in the order they start; they stop in reverse (`shutdown`).
    let services: ServiceGroup
    /// What the stop did (for the last log line).
    private let report = ShutdownReport()

    /// Starts everything or nothing: any part that cannot start stops the parts before it.
    /// `activity` is called with the number of running recordings whenever one starts or ends.
    ///
    /// First of all the spool, the database and the socket are locked (`InstanceLocks`): a
    /// daemon that finds any of them held by another stops there with `StartupError.inUse`,
    /// having changed no file, row or socket. Crash recovery runs only under the locks.
    public init(configuration c: TapedeckConfiguration, timeZone: TimeZone = .current, logger: Logger,
                activity: @escaping @Sendable (Int) -> Void = { _ in }) throws {
        self.current = Mutex(c)
        self.timeZone = timeZone
        self.logger = logger
        let locks = InstanceLocks()
        self.locks = locks
        let stateMode = mode_t(c.databaseMode)
        try SpoolFolder.claim(c.spool, mode: mode_t(c.spoolMode), lockMode: stateMode, locks: locks)
        try locks.acquire(.database, c.database, mode: stateMode)
        try locks.acquire(.socket, c.control.socket, mode: stateMode)
        log = try RecordingLog.open(path: c.database, timeZone: timeZone, fileMode: stateMode)
        events = EventHub(timeZone: timeZone)
        let webhooks = Webhooks(endpoints: Self.endpoints(c, logger: logger), log: log, timeZone: timeZone, logger: logger)
        self.webhooks = webhooks
        let writeBehind = Self.writeBehindFolder(c, logger: logger)
        self.writeBehind = writeBehind
        var recovery = CrashRecovery(log: log, spool: c.spool, fileMode: mode_t(c.recording.fileMode), events: events, logger: logger)
        recovery.outbox = { webhooks.entries(for: $0) }
        recovery.writeBehind = writeBehind
        recovery.run()
        engine = try AudioEngine(layout: Self.layout(c, writeBehind: writeBehind), logger: logger)
        let counter = ActivitySink(report: activity)
        let metrics = Metrics()
        self.metrics = metrics
        controller = Controller(settings: Self.settings(c, timeZone: timeZone), backend: EngineBackend(engine: engine),
                                store: LogStore(log: log, webhooks: webhooks),
                                events: FanOutSink([events, counter, MetricsSink(metrics: metrics), webhooks]),
                                scheduler: DispatchScheduler(), files: SpoolFiles())
        counter.controller = controller
        // A lost device: the domain ends its stations' recordings and sends station.down;
        // when it is reopened, station.up.
        engine.startMonitor { [controller] change in
            switch change {
            case .down(let device, let stations, let reason): controller.deviceLost(stations: stations, device: device, reason: reason)
            case .up(let device, let stations): controller.deviceRestored(stations: stations, device: device)
            }
        }
        let observer = Observer(metrics: metrics, engine: engine, controller: controller, events: events, webhooks: webhooks)
        server = ControlServer(options: .init(path: c.control.socket, mode: mode_t(c.control.mode), group: c.control.group,
                                              maxConnections: c.control.maxConnections,
                                              idleTimeoutSeconds: c.control.idleTimeoutSeconds,
                                              sendTimeoutSeconds: c.control.sendTimeoutSeconds),
                               controller: controller, events: events, timeZone: timeZone, logger: logger,
                               metrics: metrics, observe: { observer.answer($0) })
        scrape = c.metrics.address.map { address in
            ScrapeServer(host: address.host, port: address.port, logger: logger,
                         metrics: { MetricsRenderer.render(observer.metricsInput()) }, health: { observer.health() })
        }
        DescriptorBudget(c).apply(logger: logger)
        let (engine, controller, server, scrape, log, report) = (self.engine, self.controller, self.server, self.scrape,
                                                                 self.log, self.report)
        // Stopped in reverse: the sockets first, then the recordings are finalised (logged,
        // events and webhooks written), then capture stops, then delivery, the log, the locks.
        // The locks, the log and the engine (its devices and monitor) started above, as
        // they were made; the group stops them. The sockets go first, so no request
        // arrives while the recordings are finalised; webhook delivery outlives capture.
        services = ServiceGroup([
            .init("locks", stop: { locks.releaseAll() }),
            .init("recording log", stop: { try? log.close() }),
            .init("webhook delivery", start: { webhooks.start() }, stop: { webhooks.stop() }),
            .init("audio engine", stop: { engine.shutdown() }),
            .init("controller", stop: { report.recordingsFinalised = controller.shutdown().count }),
            // The listener first: the control socket appears only once everything runs.
            .init("metrics listener", start: { try scrape?.start() }, stop: { scrape?.stop() }),
            .init("control socket", start: { try server.start() }, stop: { server.stop() }),
        ])
        do throws(ServiceGroup.Failure) {
            try services.start()
        } catch {
            throw error.error
        }
    }

    /// The `[[webhook]]` endpoints as the delivery code takes them. A `ca_file` this process
    /// cannot read (missing, its mode, outside the sandbox's paths) is logged as an error at
    /// once, not found at the first delivery: the endpoint still runs, each attempt failing
    /// as TLS without the CA would, so recording and the other endpoints go on.
    static func endpoints(_ c: TapedeckConfiguration, logger: Logger) -> [WebhookEndpoint] {
        for w in c.webhooks {
            guard let ca = w.caFile else { continue }
            do throws(FileError) {
                try FileDescriptor.open(ca, .readOnly).close()
            } catch {
                logger.error("webhook CA file unreadable: deliveries to this endpoint will fail",
                             metadata: ["endpoint": "\(w.name)", "ca_file": "\(ca)", "error": "\(error.errno)"])
            }
        }
        return c.webhooks.map {
            WebhookEndpoint(name: $0.name, url: $0.url, secret: $0.secret, events: $0.events,
                            callbackPrefixes: $0.callbackPrefixes, timeoutSeconds: Double($0.timeoutSeconds),
                            horizonSeconds: Double($0.horizonSeconds),
                            backoff: Backoff(baseSeconds: $0.backoffBaseSeconds, capSeconds: $0.backoffCapSeconds),
                            caFile: $0.caFile)
        }
    }

    /// The write-behind folder beside the control socket, made (0700) if missing; nil, with
    /// a warning, when it cannot be.
    static func writeBehindFolder(_ c: TapedeckConfiguration, logger: Logger) -> String? {
        let folder = DaemonFiles.writeBehindFolder(besideSocket: c.control.socket)
        switch FileSystem.kind(of: folder) {
        case .directory:
            break
        case .missing:
            do throws(FileError) {
                try FileSystem.createDirectory(folder, mode: 0o700)
            } catch {
                logger.warning("MP3 recordings write every batch at once: no write-behind folder",
                               metadata: ["path": "\(folder)", "error": "\(error)"])
                return nil
            }
        default:
            logger.warning("MP3 recordings write every batch at once: the write-behind folder is not a folder",
                           metadata: ["path": "\(folder)"])
            return nil
        }
        if FileSystem.isMemoryBacked(folder) == false {
            // It works there, but each tail's page is written back at every spool sync.
            logger.notice("the write-behind folder is on a disk, not a tmpfs: its tails are written to disk too",
                          metadata: ["path": "\(folder)"])
        }
        return folder
    }

    /// What the engine captures for a configuration.
    static func layout(_ c: TapedeckConfiguration, writeBehind: String?) -> EngineLayout {
        EngineLayout(
            devices: c.devices.map {
                EngineLayout.Device(name: $0.name, pcm: $0.pcm,
                                    format: CaptureFormat(sampleRate: $0.rate, channels: $0.channels,
                                                          periodMilliseconds: $0.periodMilliseconds),
                                    speech: $0.speech)
            },
            stations: c.stations.map {
                EngineLayout.Station(name: $0.name, device: $0.device, agentChannel: $0.agentChannel,
                                     customerChannel: $0.customerChannel)
            },
            historySeconds: Double(c.recording.historySeconds), fileMode: mode_t(c.recording.fileMode),
            writeBehind: writeBehind)
    }

    /// What the controller names, formats and limits recordings by.
    static func settings(_ c: TapedeckConfiguration, timeZone: TimeZone) -> ControllerSettings {
        var settings = ControllerSettings(
            serverIP: c.serverIP, spool: c.spool, format: c.recording.format,
            monoBitrate: c.recording.monoBitrate, stereoBitrate: c.recording.stereoBitrate,
            recordingTemplate: FilenameTemplate(c.recording.template),
            stereoTemplate: FilenameTemplate(c.recording.stereoTemplate),
            stations: c.stations.map(\.name), timeZone: timeZone)
        settings.limitSeconds = Double(c.recording.limitMinutes) * 60
        settings.silenceThresholdDBFS = c.recording.silenceThresholdDBFS
        settings.apiObeysCampaignPolicy = c.recording.apiCampaignPolicy == .enforce
        settings.maxRecordingsPerAgent = c.recording.maxRecordingsPerAgent
        settings.maxRecordings = c.recording.maxRecordings
        settings.eventURLPrefixes = c.webhooks.flatMap(\.callbackPrefixes)
        return settings
    }

    /// What the watchdog watches: counters that advance while capture and writer live.
    public var progressCounters: [String: UInt64] { engine.progressCounters }

    /// Stops taking requests, finalises every running recording (complete files, logged,
    /// events sent), then stops capture.
    public func shutdown() {
        logger.notice("shutting down")
        services.stop()
        logger.notice("stopped", metadata: ["recordings_finalised": "\(report.recordingsFinalised)"])
    }
}

/// Sends every event to each of several sinks.
struct FanOutSink: EventSink {
    let sinks: [any EventSink]
    init(_ sinks: [any EventSink]) { self.sinks = sinks }
    func publish(_ event: Event) { for s in sinks { s.publish(event) } }
}

extension Webhooks: EventSink {}

/// Reports the number of running recordings when one starts or ends.
final class ActivitySink: EventSink, @unchecked Sendable {
    let report: @Sendable (Int) -> Void
    weak var controller: Controller?
    init(report: @escaping @Sendable (Int) -> Void) { self.report = report }

    func publish(_ event: Event) {
        switch event.payload {
        case .recordingStarted, .recordingCompleted, .recordingFailed:
            if let controller { report(controller.activeRecordings.count) }
        default: break
        }
    }
}
