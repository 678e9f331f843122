import Foundation
import Logging
import Synchronization
import Testing
import TapedeckControl
import TapedeckLog
@testable import TapedeckWebhooks

let utc = TimeZone(identifier: "UTC")!
let t0 = Date(timeIntervalSince1970: 1_795_252_210)

func newRecording(_ eventURL: String? = nil) -> NewRecording {
    NewRecording(station: "st1", serverIP: "10.0.0.5", sessionID: "8600051", agentUser: "1000", startedAt: t0,
                 filename: "rec", location: "/spool/rec.wav", kind: "mono", function: "recording", format: "wav",
                 leadID: "77", callID: "M1", eventURL: eventURL)
}

func snapshot(id: Int64, status: RecordingSnapshot.Status = .started, eventURL: String? = nil) -> RecordingSnapshot {
    var s = RecordingSnapshot(id: id, function: .recording, kind: .mono, status: status, format: .wav, agentUser: "1000",
                              sessionID: "8600051", station: "st1", filename: "rec", filePath: "/spool/rec.wav",
                              durationSeconds: status == .started ? 0 : 12.5, sizeBytes: status == .started ? 0 : 200_044,
                              serverIP: "10.0.0.5", startTime: t0, endTime: status == .started ? nil : t0.addingTimeInterval(13),
                              createdAt: t0, updatedAt: t0, callID: "M1", leadID: "77",
                              cause: status == .started ? nil : "stopped")
    s.eventURL = eventURL
    return s
}

@Suite struct OutboxTests {
    let endpoints = [
        WebhookEndpoint(name: "api", url: "http://127.0.0.1:9/hook", secret: "0123456789abcdef", events: ["recording.*"],
                        callbackPrefixes: ["http://127.0.0.1:9/cb/"], horizonSeconds: 60),
        WebhookEndpoint(name: "audit", url: "http://127.0.0.1:9/audit", secret: "0123456789abcdef", events: ["agent.*"]),
    ]

    @Test func bodyCarriesEveryRecordingFieldInOrder() {
        let router = WebhookRouter(endpoints: endpoints, timeZone: utc, newID: { "ev-1" })
        let body = WebhookBody.render(Event(.recordingCompleted(snapshot(id: 7, status: .completed)), createdAt: t0.addingTimeInterval(13)),
                                      id: "ev-1", timeZone: utc)
        #expect(body == #"{"id":"ev-1","event":"recording.completed","created_at":"2026-11-21T09:10:23+00:00","#
                + #""recording":{"recording_id":7,"call_id":"M1","lead_id":"77","agent_user":"1000","station":"st1","#
                + #""function":"recording","kind":"mono","format":"wav","status":"completed","cause":"stopped","#
                + #""start_time":"2026-11-21T09:10:10+00:00","end_time":"2026-11-21T09:10:23+00:00","duration_seconds":12.5,"#
                + #""size_bytes":200044,"filename":"rec.wav","storage_type":"local","file_url":"/spool/rec.wav","#
                + #""sha256":null,"server_ip":"10.0.0.5"}}"#)
        let entries = router.entries(for: Event(.recordingCompleted(snapshot(id: 7, status: .discarded)), createdAt: t0))
        #expect(entries.map(\.event) == ["recording.discarded"])
        #expect(entries.map(\.endpoint) == ["api"])
        #expect(entries[0].deadline == t0.addingTimeInterval(60))
    }

    @Test func aCallbackURLUnderAPrefixGetsItsOwnRow() {
        let router = WebhookRouter(endpoints: endpoints, timeZone: utc, newID: { "ev-2" })
        let entries = router.entries(for: Event(.recordingStarted(snapshot(id: 3, eventURL: "http://127.0.0.1:9/cb/3")), createdAt: t0))
        #expect(entries.map(\.url) == ["http://127.0.0.1:9/hook", "http://127.0.0.1:9/cb/3"])
        #expect(Set(entries.map(\.eventID)) == ["ev-2"])
        #expect(router.entries(for: Event(.recordingStarted(snapshot(id: 3, eventURL: "http://evil.example/")), createdAt: t0)).count == 1)
    }

    @Test func rowsWrittenWithTheLogChangeAndDeliveredInOrderPerRecording() throws {
        let log = try RecordingLog.inMemory(timeZone: utc)
        let ids = EventIDs()
        let router = WebhookRouter(endpoints: endpoints, timeZone: utc, newID: { ids.next() })
        let a = try log.insertStarted(newRecording())
        let b = try log.insertStarted(newRecording())
        for id in [a, b] {
            try log.updateLocation(id: id, filename: "rec", location: "/spool/rec.wav",
                                   outbox: router.entries(for: Event(.recordingStarted(snapshot(id: id)), createdAt: t0)))
        }
        try log.complete(id: a, end: t0.addingTimeInterval(13), status: .completed, cause: .stopped, durationSeconds: 12.5,
                         sizeBytes: 200_044, outbox: { _ in
                             router.entries(for: Event(.recordingCompleted(snapshot(id: a, status: .completed)), createdAt: t0))
                         })
        let now = t0.addingTimeInterval(20)
        // The completion of `a` waits behind its start; `b`'s start does not.
        var due = try log.dueOutbox(endpoint: "api", now: now)
        #expect(due.map(\.entry.eventID) == ["ev-1", "ev-2"])
        #expect(try log.outboxStats() == OutboxStats(pending: 3, dead: 0, oldestPendingCreatedAt: t0))

        try log.markFailed(id: due[0].id, error: "HTTP 500", retryAt: now.addingTimeInterval(5))
        due = try log.dueOutbox(endpoint: "api", now: now)
        #expect(due.map(\.entry.eventID) == ["ev-2"])
        #expect(try log.nextOutboxAttempt(endpoint: "api") == t0)  // the completion of `a`, due since written
        try log.markDelivered(id: due[0].id, at: now)
        due = try log.dueOutbox(endpoint: "api", now: now.addingTimeInterval(5))
        #expect(due.map(\.entry.eventID) == ["ev-1"])
        #expect(due[0].attempts == 1 && due[0].lastError == "HTTP 500")
        try log.markFailed(id: due[0].id, error: "timed out", retryAt: nil)
        due = try log.dueOutbox(endpoint: "api", now: now.addingTimeInterval(5))
        #expect(due.map(\.entry.eventID) == ["ev-3"])
        #expect(try log.outbox(states: [.dead]).map(\.lastError) == ["timed out"])

        let later = now.addingTimeInterval(100)
        #expect(try log.redeliver(ids: nil, now: later) == 1)
        let again = try #require(try log.outbox(states: [.pending]).first { $0.entry.eventID == "ev-1" })
        #expect(again.nextAttemptAt == later && again.entry.deadline == later.addingTimeInterval(60))
        #expect(try log.dueOutbox(endpoint: "api", now: later).map(\.entry.eventID) == ["ev-1"])
    }

    @Test func aFailedCompletionWritesNoRow() throws {
        let log = try RecordingLog.inMemory(timeZone: utc)
        let router = WebhookRouter(endpoints: endpoints, timeZone: utc)
        let a = try log.insertStarted(newRecording())
        try log.complete(id: a, end: t0, status: .completed, cause: .stopped, durationSeconds: 1, sizeBytes: 1)
        #expect(throws: (any Error).self) {
            try log.complete(id: a, end: t0, status: .completed, cause: .stopped, durationSeconds: 1, sizeBytes: 1,
                             outbox: { _ in router.entries(for: Event(.recordingCompleted(snapshot(id: a, status: .completed)), createdAt: t0)) })
        }
        #expect(try log.outboxStats().pending == 0)
    }

    @Test func agentEventsAreQueuedInTheirOwnTransaction() throws {
        let log = try RecordingLog.inMemory(timeZone: utc)
        let router = WebhookRouter(endpoints: endpoints, timeZone: utc, newID: { "ev-a" })
        let agent = AgentSnapshot(agentUser: "1000", station: "st1", sessionID: "8600051", agentServer: "10.0.0.5", agentStatus: "READY", loggedInAt: t0)
        let entries = router.entries(for: Event(.agentLogin(agent), createdAt: t0))
        #expect(entries.map(\.endpoint) == ["audit"])
        #expect(entries[0].subject == "event:ev-a")
        #expect(entries[0].body.hasPrefix(#"{"id":"ev-a","event":"agent.login","created_at":"2026-11-21T09:10:10+00:00","agent":{"#))
        try log.enqueue(entries)
        #expect(try log.dueOutbox(endpoint: "audit", now: t0).map(\.entry.eventID) == ["ev-a"])
    }

    /// Agent-login rows for both endpoints, the first `delivered` of each delivered at the
    /// times given (the rest pending), the last delivered row of `audit` dead instead.
    func outboxWithDeliveries(_ log: RecordingLog, deliveredAt: [Date]) throws {
        let ids = EventIDs()
        let router = WebhookRouter(endpoints: endpoints.map { var e = $0; e.events = ["agent.*"]; return e },
                                   timeZone: utc, newID: { ids.next() })
        let agent = AgentSnapshot(agentUser: "1000", station: "st1", sessionID: "8600051", agentServer: "10.0.0.5",
                                  agentStatus: "READY", loggedInAt: t0)
        for _ in 0..<(deliveredAt.count + 1) { try log.enqueue(router.entries(for: Event(.agentLogin(agent), createdAt: t0))) }
        for name in ["api", "audit"] {
            let rows = try log.outbox(states: [.pending]).filter { $0.entry.endpoint == name }
            for (row, at) in zip(rows, deliveredAt) { try log.markDelivered(id: row.id, at: at) }
        }
        let auditRows = try log.outbox(states: [.pending]).filter { $0.entry.endpoint == "audit" }
        try log.markFailed(id: auditRows[0].id, error: "HTTP 500", retryAt: nil)
    }

    @Test func deliveredRowsOlderThanTheCutAreDeletedForTheirEndpointOnly() throws {
        let log = try RecordingLog.inMemory(timeZone: utc)
        try outboxWithDeliveries(log, deliveredAt: [t0, t0.addingTimeInterval(10), t0.addingTimeInterval(20)])
        let before = try log.outbox(states: [.delivered, .pending, .dead])
        #expect(before.count == 8)
        // Delivered before t0 + 15 s, of `api`: the first two.
        #expect(try log.pruneDelivered(endpoint: "api", before: t0.addingTimeInterval(15)) == 2)
        let after = try log.outbox(states: [.delivered, .pending, .dead])
        let gone = Set(before.map(\.id)).subtracting(after.map(\.id))
        #expect(before.filter { gone.contains($0.id) }.allSatisfy { $0.entry.endpoint == "api" && $0.state == .delivered })
        #expect(after.filter { $0.entry.endpoint == "api" }.map(\.state) == [.delivered, .pending])
        #expect(after.filter { $0.entry.endpoint == "audit" }.map(\.state) == [.delivered, .delivered, .delivered, .dead])
        // Nothing more before the cut; pending and dead rows stay whatever their age.
        #expect(try log.pruneDelivered(endpoint: "api", before: t0.addingTimeInterval(15)) == 0)
        #expect(try log.pruneDelivered(endpoint: "audit", before: t0.addingTimeInterval(1e9)) == 3)
        #expect(try log.outbox(states: [.delivered, .pending, .dead]).map(\.state) == [.delivered, .pending, .dead])
    }

    @Test func aWorkerPrunesItsEndpointsOldDeliveriesWhenItStarts() throws {
        let log = try RecordingLog.inMemory(timeZone: utc)
        let now = Date()
        // `api`: delivered 8 days ago (goes) and 6 days ago (stays), and one pending row.
        try outboxWithDeliveries(log, deliveredAt: [now.addingTimeInterval(-8 * 86_400), now.addingTimeInterval(-6 * 86_400)])
        // Nothing for it to post: the pending row is made dead first (so no request is made).
        for row in try log.outbox(states: [.pending]) { try log.markFailed(id: row.id, error: "HTTP 500", retryAt: nil) }
        let worker = DeliveryWorker(endpoint: endpoints[0], log: log, poster: CurlPoster(), counters: WebhookCounters(),
                                    logger: Logger(label: "test"))
        worker.start()
        defer { worker.requestStop(); worker.waitStopped(seconds: 10) }
        let deadline = Date().addingTimeInterval(10)
        func apiDelivered() throws -> Int { try log.outbox(states: [.delivered]).filter { $0.entry.endpoint == "api" }.count }
        while try apiDelivered() == 2, Date() < deadline { usleep(10_000) }
        #expect(try apiDelivered() == 1)
        // The other endpoint's rows are its own worker's business.
        #expect(try log.outbox(states: [.delivered]).filter { $0.entry.endpoint == "audit" }.count == 2)
    }
}

/// Event ids ev-1, ev-2, … in order.
final class EventIDs: Sendable {
    private let n = Mutex(0)
    func next() -> String { n.withLock { $0 += 1; return "ev-\($0)" } }
}
