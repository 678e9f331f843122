import Dispatch
import Foundation
import Logging
import Synchronization
import TapedeckLog

/// Counters the metrics report (since the daemon started).
public final class WebhookCounters: Sendable {
    private let values = Mutex<(delivered: UInt64, failed: UInt64, dead: UInt64)>((0, 0, 0))
    public init() {}
    public var delivered: UInt64 { values.withLock { $0.delivered } }
    /// Attempts that did not get a 2xx (each retry counts).
    public var failed: UInt64 { values.withLock { $0.failed } }
    /// Rows given up on (past their horizon).
    public var dead: UInt64 { values.withLock { $0.dead } }
    func count(delivered: Bool, dead: Bool) {
        values.withLock { v in
            if delivered { v.delivered += 1 } else { v.failed += 1 }
            if dead { v.dead += 1 }
        }
    }
}

/// What one attempt decides for a row (pure: the worker applies it).
public enum DeliveryDecision: Equatable {
    case delivered
    case retry(at: Date, error: String)
    case dead(error: String)

    public static func decide(_ outcome: HTTPOutcome, attempts: Int, now: Date, deadline: Date,
                              backoff: Backoff, jitter: Double) -> DeliveryDecision {
        let error: String
        switch outcome {
        case .status(let code) where (200..<300).contains(code): return .delivered
        case .status(let code): error = "HTTP \(code)"
        case .failed(let message): error = message
        }
        if let at = backoff.retryAt(afterAttempts: attempts, now: now, deadline: deadline, jitter: jitter) {
            return .retry(at: at, error: error)
        }
        return .dead(error: error)
    }
}

/// Posts one endpoint's outbox rows on a thread of its own, so a slow or dead endpoint
/// delays nothing else: not recording, not the control socket, not other endpoints.
/// Woken when rows are written, else when the next retry is due (at least every second).
/// At its start and every `pruneInterval` after, it deletes the endpoint's rows delivered
/// more than `keepDelivered` ago: one row per event and endpoint would otherwise grow
/// the database for ever (about 1 KiB a row).
public final class DeliveryWorker: Sendable {
    /// How long a delivered row stays (listed by `tapedeck webhooks list --all`, and
    /// redeliverable by id): a week.
    public static let keepDelivered: TimeInterval = 7 * 86_400
    /// How often delivered rows past `keepDelivered` are deleted.
    static let pruneInterval: TimeInterval = 3_600
    public let endpoint: WebhookEndpoint
    let log: RecordingLog
    let poster: any HTTPPoster
    let counters: WebhookCounters
    let logger: Logger
    private let wake = DispatchSemaphore(value: 0)
    private let stopping = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)

    public init(endpoint: WebhookEndpoint, log: RecordingLog, poster: any HTTPPoster, counters: WebhookCounters,
                logger: Logger) {
        self.endpoint = endpoint
        self.log = log
        self.poster = poster
        self.counters = counters
        self.logger = logger
    }

    public func start() {
        let thread = Thread { [self] in
            run()
            finished.signal()
        }
        thread.name = "webhook-\(endpoint.name)"
        thread.start()
    }

    /// New rows were written.
    public func poke() { wake.signal() }

    /// Asks the worker to stop after the request in flight.
    public func requestStop() {
        stopping.store(true, ordering: .sequentiallyConsistent)
        wake.signal()
    }

    /// Waits until the worker stopped, or `seconds` passed (a request may hang up to its
    /// timeout; its row then stays pending and is sent again after the next start).
    @discardableResult
    public func waitStopped(seconds: Double) -> Bool {
        finished.wait(timeout: .now() + seconds) == .success
    }

    private func run() {
        var pruned: Date?
        while !stopping.load(ordering: .sequentiallyConsistent) {
            let now = Date()
            if pruned.map({ now.timeIntervalSince($0) >= Self.pruneInterval || now < $0 }) ?? true {
                pruned = now
                prune(now: now)
            }
            // One row at a time, asked for again after each: a row that a delivery just
            // unblocked (its recording's next event) goes before newer rows of other subjects.
            let due: [OutboxRow]
            do { due = try log.dueOutbox(endpoint: endpoint.name, now: now, limit: 1) } catch {
                logger.error("webhook outbox unreadable", metadata: ["endpoint": "\(endpoint.name)", "error": "\(error)"])
                _ = wake.wait(timeout: .now() + 1)
                continue
            }
            if let row = due.first {
                deliver(row)
                continue
            }
            let next = (try? log.nextOutboxAttempt(endpoint: endpoint.name)) ?? nil
            let wait = min(1, max(0.01, (next ?? now.addingTimeInterval(1)).timeIntervalSince(Date())))
            _ = wake.wait(timeout: .now() + wait)
        }
    }

    /// Deletes the rows delivered before `now - keepDelivered` (logged when there were any).
    func prune(now: Date) {
        do {
            let n = try log.pruneDelivered(endpoint: endpoint.name, before: now.addingTimeInterval(-Self.keepDelivered))
            if n > 0 { logger.info("webhook deliveries pruned", metadata: ["endpoint": "\(endpoint.name)", "rows": "\(n)"]) }
        } catch {
            logger.error("webhook outbox not pruned", metadata: ["endpoint": "\(endpoint.name)", "error": "\(error)"])
        }
    }

    func deliver(_ row: OutboxRow) {
        let body = row.entry.body
        let timestamp = Int64(Date().timeIntervalSince1970)
        let request = HTTPRequest(url: row.entry.url, headers: [
            ("Tapedeck-Event-Id", row.entry.eventID),
            ("Tapedeck-Event", row.entry.event),
            ("Tapedeck-Timestamp", "\(timestamp)"),
            ("Tapedeck-Signature", WebhookSignature.header(secret: endpoint.secret, timestamp: timestamp, body: body)),
            ("User-Agent", "tapedeckd"),
        ], body: body, timeoutSeconds: endpoint.timeoutSeconds, caFile: endpoint.caFile)
        let outcome = poster.post(request)
        let now = Date()
        let decision = DeliveryDecision.decide(outcome, attempts: row.attempts + 1, now: now, deadline: row.entry.deadline,
                                               backoff: endpoint.backoff, jitter: Double.random(in: 0...1))
        do {
            switch decision {
            case .delivered:
                try log.markDelivered(id: row.id, at: now)
                counters.count(delivered: true, dead: false)
            case .retry(let at, let error):
                try log.markFailed(id: row.id, error: error, retryAt: at)
                counters.count(delivered: false, dead: false)
                logger.info("webhook delivery failed; will retry", metadata: [
                    "endpoint": "\(endpoint.name)", "event_id": "\(row.entry.eventID)", "error": "\(error)",
                    "attempts": "\(row.attempts + 1)"])
            case .dead(let error):
                try log.markFailed(id: row.id, error: error, retryAt: nil)
                counters.count(delivered: false, dead: true)
                logger.warning("webhook delivery given up: kept as dead", metadata: [
                    "endpoint": "\(endpoint.name)", "event_id": "\(row.entry.eventID)", "error": "\(error)"])
            }
        } catch {
            logger.error("cannot record a webhook attempt", metadata: ["endpoint": "\(endpoint.name)", "error": "\(error)"])
        }
    }
}
