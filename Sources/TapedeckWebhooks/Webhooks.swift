import Foundation
import Logging
import Synchronization
import TapedeckControl
import TapedeckLog

/// The daemon's webhooks: the router in force (replaced on reload) and one delivery
/// worker per endpoint. Recording events are written to the outbox by the recording
/// log's own transactions (``entries(for:)``); agent and station events, which change
/// no row, through ``publish(_:)`` in a transaction of their own.
public final class Webhooks: Sendable {
    public let log: RecordingLog
    let poster: any HTTPPoster
    public let counters = WebhookCounters()
    let logger: Logger
    private let state: Mutex<(router: WebhookRouter, workers: [DeliveryWorker])>

    public init(endpoints: [WebhookEndpoint], log: RecordingLog, timeZone: TimeZone, logger: Logger,
                poster: any HTTPPoster = CurlPoster()) {
        self.log = log
        self.poster = poster
        self.logger = logger
        state = Mutex((WebhookRouter(endpoints: endpoints, timeZone: timeZone), []))
    }

    public var router: WebhookRouter { state.withLock { $0.router } }

    /// Starts a worker per endpoint.
    public func start() {
        let workers = router.endpoints.map { DeliveryWorker(endpoint: $0, log: log, poster: poster, counters: counters, logger: logger) }
        state.withLock { $0.workers = workers }
        for w in workers { w.start() }
    }

    /// A reload: new endpoints take effect at once; rows of an endpoint removed stay
    /// pending (listed by `tapedeck webhooks`) until it comes back.
    public func update(endpoints: [WebhookEndpoint], timeZone: TimeZone) {
        let old = state.withLock { s -> [DeliveryWorker] in
            guard s.router.endpoints != endpoints else { return [] }
            let old = s.workers
            s.router = WebhookRouter(endpoints: endpoints, timeZone: timeZone)
            s.workers = endpoints.map { DeliveryWorker(endpoint: $0, log: log, poster: poster, counters: counters, logger: logger) }
            for w in s.workers { w.start() }
            return old
        }
        // Off the caller's thread: a worker may be inside a request until its timeout.
        for w in old { w.requestStop() }
    }

    /// Rows for `event` (the caller writes them in its transaction, then calls ``poke()``).
    public func entries(for event: Event) -> [OutboxEntry] { router.entries(for: event) }

    /// Wakes the workers: rows were written.
    public func poke() { for w in state.withLock({ $0.workers }) { w.poke() } }

    /// Events that change no log row — agent and station events, a recording paused or
    /// resumed — written in their own transaction. (A recording's start and end are
    /// written by the log's own transactions.)
    public func publish(_ event: Event) {
        switch event.payload {
        case .recordingStarted, .recordingCompleted, .recordingFailed: return
        default: break
        }
        let entries = router.entries(for: event)
        guard !entries.isEmpty else { return }
        do {
            try log.enqueue(entries)
            poke()
        } catch {
            logger.error("cannot write webhook events", metadata: ["event": "\(event.name)", "error": "\(error)"])
        }
    }

    /// Stops the workers, waiting at most `seconds` for requests in flight: a delivery cut
    /// short stays pending and goes out after the next start.
    public func stop(seconds: Double = 2) {
        let workers = state.withLock { s -> [DeliveryWorker] in defer { s.workers = [] }; return s.workers }
        for w in workers { w.requestStop() }
        let deadline = Date().addingTimeInterval(seconds)
        for w in workers { w.waitStopped(seconds: max(0, deadline.timeIntervalSinceNow)) }
    }
}
