import ArgumentParser
import Foundation
import TapedeckLog

/// `tapedeck webhooks`: the webhook outbox in the recording log — pending and dead
/// deliveries, and redelivery. Reads and writes the database directly (the daemon may run).
struct Webhooks: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhooks",
        abstract: "List pending and dead webhook deliveries, and redeliver them.",
        discussion: "See docs/webhooks.md.",
        subcommands: [WebhooksList.self, WebhooksRedeliver.self],
        defaultSubcommand: WebhooksList.self
    )
}

struct WebhooksDatabase: ParsableArguments {
    @Option(name: .long, help: "The recording log (the configuration's `database`).")
    var database = "/var/lib/tapedeck/recordings.sqlite"

    func open() throws -> RecordingLog {
        guard FileManager.default.fileExists(atPath: database) else {
            throw CommandFailure(message: "\(database): no such file")
        }
        do { return try RecordingLog.open(path: database) } catch {
            throw CommandFailure(message: "\(error)")
        }
    }
}

struct WebhooksList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "One line per pending or dead delivery, oldest first (tab-separated).",
        discussion: "Columns: id, state, endpoint, event, event_id, attempts, next_attempt_at, last_error, url."
    )

    @OptionGroup var db: WebhooksDatabase

    @Flag(name: .long, help: "Also list delivered rows.")
    var all = false

    func run() throws {
        try reportingFailures("webhooks list") {
            let log = try db.open()
            let states: [OutboxState] = all ? OutboxState.allCases : [.pending, .dead]
            for row in try log.outbox(states: states, limit: 100_000) {
                print(WebhooksList.line(row))
            }
        }
    }

    static func line(_ row: OutboxRow) -> String {
        let iso = ISO8601DateFormatter()
        // A row never tried is due since it was written.
        let when = row.state == .delivered ? row.deliveredAt.map(iso.string) ?? "-"
            : iso.string(from: max(row.nextAttemptAt, row.entry.createdAt))
        let error = (row.lastError ?? "-").map { $0 == "\t" || $0 == "\n" ? " " : $0 }
        return [String(row.id), row.state.rawValue, row.entry.endpoint, row.entry.event, row.entry.eventID,
                String(row.attempts), when, String(error), row.entry.url].joined(separator: "\t")
    }
}

struct WebhooksRedeliver: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redeliver",
        abstract: "Make deliveries pending again, due now, with a fresh horizon.",
        discussion: "Give outbox ids (from `tapedeck webhooks list`), or --dead for every dead one."
    )

    @OptionGroup var db: WebhooksDatabase

    @Flag(name: .long, help: "Every dead delivery.")
    var dead = false

    @Argument(help: "Outbox ids.")
    var ids: [Int64] = []

    func validate() throws {
        if dead == !ids.isEmpty { throw ValidationError("give outbox ids or --dead (not both)") }
    }

    func run() throws {
        try reportingFailures("webhooks redeliver") {
            let log = try db.open()
            let n = try log.redeliver(ids: dead ? nil : ids, now: Date())
            if !dead && n != ids.count {
                throw CommandFailure(message: "\(ids.count - n) of the ids given are not in the outbox (\(n) made pending)")
            }
            print("\(n) made pending")
        }
    }
}
