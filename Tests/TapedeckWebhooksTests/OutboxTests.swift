import Foundation
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
}

/// Event ids ev-1, ev-2, … in order.
final class EventIDs: Sendable {
    private let n = Mutex(0)
    func next() -> String { n.withLock { $0 += 1; return "ev-\($0)" } }
}
