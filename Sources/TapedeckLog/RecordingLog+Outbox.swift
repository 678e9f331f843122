import Foundation
import GRDB

/// The webhook outbox (`webhook_outbox`): rows written in the transaction of the change
/// they report, then posted by the delivery worker and marked delivered or dead.
extension RecordingLog {
    /// A new row is due at once (`next_attempt_at` 0), whatever its event's time: an
    /// event's `created_at` can lie before an earlier row's (a recording's start is the
    /// time of its first frame), and the worker takes due rows in id order, the order
    /// they were written.
    static func insert(_ entries: [OutboxEntry], _ db: Database) throws {
        for e in entries {
            try db.execute(sql: """
                INSERT OR IGNORE INTO webhook_outbox (
                    event_id, event, endpoint, url, subject, recording_id, body,
                    created_at, deadline_at, next_attempt_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [
                    e.eventID, e.event, e.endpoint, e.url, e.subject, e.recordingID, e.body,
                    EpochMilliseconds.of(e.createdAt), EpochMilliseconds.of(e.deadline), 0,
                ])
        }
    }

    /// Writes rows of events that change no recording (agent and station events) in a
    /// transaction of their own.
    public func enqueue(_ entries: [OutboxEntry]) throws {
        guard !entries.isEmpty else { return }
        try perform("enqueue webhooks") { try writer.write { db in try Self.insert(entries, db) } }
    }

    /// Pending rows of `endpoint` due at `now`, oldest first, each the first pending row
    /// of its subject and URL (so one recording's events go out in order).
    public func dueOutbox(endpoint: String, now: Date, limit: Int = 50) throws -> [OutboxRow] {
        try perform("read due webhooks") {
            try writer.read { db in
                try OutboxRow.fetchAll(db, sql: """
                    SELECT * FROM webhook_outbox o
                    WHERE o.state = 'pending' AND o.endpoint = ? AND o.next_attempt_at <= ?
                      AND NOT EXISTS (
                        SELECT 1 FROM webhook_outbox p
                        WHERE p.state = 'pending' AND p.endpoint = o.endpoint AND p.url = o.url
                          AND p.subject = o.subject AND p.id < o.id)
                    ORDER BY o.id LIMIT ?
                    """, arguments: [endpoint, EpochMilliseconds.of(now), limit])
            }
        }
    }

    /// When `endpoint` next has a pending row due (nil with none pending); a row never
    /// tried is due since it was written.
    public func nextOutboxAttempt(endpoint: String) throws -> Date? {
        try perform("read webhooks") {
            try writer.read { db in
                try Int64.fetchOne(db, sql: """
                    SELECT MIN(MAX(next_attempt_at, created_at)) FROM webhook_outbox WHERE state = 'pending' AND endpoint = ?
                    """, arguments: [endpoint]).map(EpochMilliseconds.date)
            }
        }
    }

    /// A 2xx answer: the row is delivered.
    public func markDelivered(id: Int64, at: Date) throws {
        try update("mark webhook delivered", """
            UPDATE webhook_outbox SET state = 'delivered', delivered_at = ?, attempts = attempts + 1, last_error = NULL
            WHERE id = ?
            """, [EpochMilliseconds.of(at), id])
    }

    /// A failed attempt: tried again at `retryAt`, or, with nil, kept as dead.
    public func markFailed(id: Int64, error: String, retryAt: Date?) throws {
        if let retryAt {
            try update("mark webhook failed", """
                UPDATE webhook_outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?
                """, [error, EpochMilliseconds.of(retryAt), id])
        } else {
            try update("mark webhook dead", """
                UPDATE webhook_outbox SET attempts = attempts + 1, last_error = ?, state = 'dead' WHERE id = ?
                """, [error, id])
        }
    }

    /// Rows in `states`, oldest first, at most `limit`.
    public func outbox(states: [OutboxState], limit: Int = 1000) throws -> [OutboxRow] {
        let marks = states.map { _ in "?" }.joined(separator: ", ")
        var arguments = StatementArguments(states.map(\.rawValue))
        arguments += [limit]
        return try perform("read webhooks") {
            try writer.read { db in
                try OutboxRow.fetchAll(db, sql: "SELECT * FROM webhook_outbox WHERE state IN (\(marks)) ORDER BY id LIMIT ?",
                                       arguments: arguments)
            }
        }
    }

    /// Makes rows pending again, due now, with a fresh horizon as long as their first one
    /// (`ids`, or every dead row when nil). Returns how many rows it changed.
    @discardableResult
    public func redeliver(ids: [Int64]?, now: Date) throws -> Int {
        let n = EpochMilliseconds.of(now)
        var sql = """
            UPDATE webhook_outbox SET state = 'pending', next_attempt_at = ?,
                deadline_at = ? + (deadline_at - created_at), created_at = ?
            """
        var arguments: StatementArguments = [n, n, n]
        if let ids {
            guard !ids.isEmpty else { return 0 }
            sql += " WHERE id IN (\(ids.map { _ in "?" }.joined(separator: ", ")))"
            arguments += StatementArguments(ids)
        } else {
            sql += " WHERE state = 'dead'"
        }
        return try perform("redeliver webhooks") {
            try writer.write { db in
                try db.execute(sql: sql, arguments: arguments)
                return db.changesCount
            }
        }
    }

    /// Deletes `endpoint`'s rows delivered before `before`, returning how many; pending and
    /// dead rows stay, however old (a dead one waits for `tapedeck webhooks redeliver`).
    @discardableResult
    public func pruneDelivered(endpoint: String, before: Date) throws -> Int {
        try perform("prune delivered webhooks") {
            try writer.write { db in
                try db.execute(sql: """
                    DELETE FROM webhook_outbox WHERE endpoint = ? AND state = 'delivered' AND delivered_at < ?
                    """, arguments: [endpoint, EpochMilliseconds.of(before)])
                return db.changesCount
            }
        }
    }

    /// Pending and dead counts and the oldest pending row's age.
    public func outboxStats() throws -> OutboxStats {
        try perform("read webhook stats") {
            try writer.read { db in
                let row = try Row.fetchOne(db, sql: """
                    SELECT
                        (SELECT COUNT(*) FROM webhook_outbox WHERE state = 'pending') AS pending,
                        (SELECT COUNT(*) FROM webhook_outbox WHERE state = 'dead') AS dead,
                        (SELECT MIN(created_at) FROM webhook_outbox WHERE state = 'pending') AS oldest
                    """)!
                let oldest: Int64? = row["oldest"]
                return OutboxStats(pending: row["pending"], dead: row["dead"], oldestPendingCreatedAt: oldest.map(EpochMilliseconds.date))
            }
        }
    }

    private func update(_ operation: String, _ sql: String, _ arguments: StatementArguments) throws {
        try perform(operation) { try writer.write { db in try db.execute(sql: sql, arguments: arguments) } }
    }
}
