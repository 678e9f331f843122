import Foundation
import GRDB

/// A webhook delivery to write to the outbox: one event for one endpoint (and URL).
public struct OutboxEntry: Sendable, Hashable {
    /// The event's unique id (the same for every endpoint the event goes to).
    public var eventID: String
    /// The event's name (`recording.completed`).
    public var event: String
    /// The configured endpoint's name.
    public var endpoint: String
    /// Where it is posted: the endpoint's URL, or a recording's own callback URL.
    public var url: String
    /// What orders delivery: rows of one subject (`recording:42`) go out in order.
    public var subject: String
    public var recordingID: Int64?
    /// The exact JSON body to post.
    public var body: String
    public var createdAt: Date
    /// Past this time a failed delivery is not tried again: it is kept as dead.
    public var deadline: Date

    public init(eventID: String, event: String, endpoint: String, url: String, subject: String,
                recordingID: Int64?, body: String, createdAt: Date, deadline: Date) {
        self.eventID = eventID
        self.event = event
        self.endpoint = endpoint
        self.url = url
        self.subject = subject
        self.recordingID = recordingID
        self.body = body
        self.createdAt = createdAt
        self.deadline = deadline
    }
}

/// The state of an outbox row.
public enum OutboxState: String, Sendable, CaseIterable {
    case pending
    case delivered
    case dead
}

/// A row of `webhook_outbox`.
public struct OutboxRow: Sendable, Hashable {
    public var id: Int64
    public var entry: OutboxEntry
    public var nextAttemptAt: Date
    public var attempts: Int
    public var lastError: String?
    public var deliveredAt: Date?
    public var state: OutboxState
}

/// What the metrics report of the outbox.
public struct OutboxStats: Sendable, Equatable {
    public var pending: Int
    public var dead: Int
    /// When the oldest pending row was created (nil with none pending).
    public var oldestPendingCreatedAt: Date?

    public init(pending: Int, dead: Int, oldestPendingCreatedAt: Date?) {
        self.pending = pending
        self.dead = dead
        self.oldestPendingCreatedAt = oldestPendingCreatedAt
    }
}

/// Epoch milliseconds, the outbox's time column type.
enum EpochMilliseconds {
    static func of(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
    static func date(_ ms: Int64) -> Date { Date(timeIntervalSince1970: Double(ms) / 1000) }
}

extension OutboxRow: FetchableRecord {
    public init(row: Row) throws {
        let stateWord: String = try row.decode(forColumn: "state")
        let id: Int64 = try row.decode(forColumn: "id")
        guard let state = OutboxState(rawValue: stateWord) else {
            throw RecordingLogError.corruptRow(id: id, reason: "unknown outbox state \(stateWord)")
        }
        func ms(_ name: String) throws -> Date { EpochMilliseconds.date(try row.decode(forColumn: name)) }
        let delivered: Int64? = try row.decode(forColumn: "delivered_at")
        self.init(
            id: id,
            entry: OutboxEntry(
                eventID: try row.decode(forColumn: "event_id"), event: try row.decode(forColumn: "event"),
                endpoint: try row.decode(forColumn: "endpoint"), url: try row.decode(forColumn: "url"),
                subject: try row.decode(forColumn: "subject"), recordingID: try row.decode(forColumn: "recording_id"),
                body: try row.decode(forColumn: "body"), createdAt: try ms("created_at"), deadline: try ms("deadline_at")),
            nextAttemptAt: try ms("next_attempt_at"), attempts: try row.decode(forColumn: "attempts"),
            lastError: try row.decode(forColumn: "last_error"), deliveredAt: delivered.map(EpochMilliseconds.date),
            state: state)
    }
}
