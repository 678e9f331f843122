import Foundation
import TapedeckControl
import TapedeckDomain
import TapedeckLog
import TapedeckWebhooks

/// The domain's `RecordingStore` on the SQLite recording log. With webhooks, a
/// recording's `recording.*` outbox rows are written in the transaction of the log
/// change they report (the start's name, the completion), so no crash can lose them.
struct LogStore: RecordingStore {
    let log: RecordingLog
    var webhooks: Webhooks? = nil

    func insertStarted(_ r: RecordingSnapshot) throws -> Int64 {
        try log.insertStarted(NewRecording(
            station: r.station, serverIP: r.serverIP, sessionID: r.sessionID, agentUser: r.agentUser,
            startedAt: r.startTime, filename: r.filename, location: r.filePath, kind: r.kind.rawValue,
            function: r.byCampaign ? RecordingSnapshot.campaignOrigin : r.function.rawValue,
            format: r.format.rawValue, stage: r.stage?.value,
            leadID: r.leadID, callID: r.callID, eventURL: r.eventURL))
    }

    func started(_ r: RecordingSnapshot) throws {
        let outbox = webhooks?.entries(for: Event(.recordingStarted(r), createdAt: r.startTime)) ?? []
        try log.updateLocation(id: r.id, filename: r.filename, location: r.filePath, outbox: outbox)
        if !outbox.isEmpty { webhooks?.poke() }
    }

    func setLocation(id: Int64, filename: String, location: String) throws {
        try log.updateLocation(id: id, filename: filename, location: location)
    }

    func complete(_ r: RecordingSnapshot, framesLost: UInt64, repair: FileRepairNote?) throws {
        let status: RecordingStatus = switch r.status {
        case .completed: .completed
        case .discarded: .discarded
        case .failed, .started: .failed
        }
        try log.complete(id: r.id, end: r.endTime ?? r.updatedAt, status: status,
                         cause: r.cause.map { EndCause($0) } ?? .stopped, durationSeconds: r.durationSeconds,
                         sizeBytes: r.sizeBytes, pausedSeconds: r.pausedSeconds ?? 0, maskedSeconds: r.maskedSeconds ?? 0,
                         framesLost: Int64(clamping: framesLost), error: r.failureReason, sha256: r.sha256,
                         repair: repair.map { RecordingCompletion.Repair(originalSHA256: $0.originalSHA256) },
                         outbox: { _ in webhooks?.entries(for: Self.event(ending: r)) ?? [] })
        webhooks?.poke()
    }

    /// The event the domain sends for a recording that ended.
    static func event(ending r: RecordingSnapshot) -> Event {
        let at = r.endTime ?? r.updatedAt
        return r.status == .failed ? Event(.recordingFailed(r, reason: r.failureReason ?? "error"), createdAt: at)
            : Event(.recordingCompleted(r), createdAt: at)
    }

    func lookup(_ q: RecordingLookup, limit: Int) throws -> [RecordingSnapshot] {
        try log.lookup(RecordingQuery(agentUser: q.agentUser, leadID: q.leadID, callID: q.callID, date: q.date,
                                      recordingID: q.recordingID, limit: limit)).map(Self.snapshot)
    }

    static func snapshot(_ row: RecordingRow) -> RecordingSnapshot {
        let status: RecordingSnapshot.Status = switch row.status {
        case .started: .started
        case .completed: .completed
        case .failed: .failed
        case .discarded: .discarded
        }
        let kind = RecordingSnapshot.Kind(rawValue: row.kind) ?? .mono
        // A campaign's row says `campaign`; its kind tells which function it recorded as.
        let byCampaign = row.function == RecordingSnapshot.campaignOrigin
        var snapshot = RecordingSnapshot(
            id: row.id, function: RecordingFunction(rawValue: row.function) ?? (kind == .stereo ? .stereoRecording : .recording),
            kind: kind, status: status,
            format: RecordingSnapshot.Format(rawValue: row.format) ?? .wav,
            agentUser: row.agentUser, sessionID: row.sessionID, station: row.station,
            filename: row.filename, filePath: row.location, durationSeconds: row.durationSeconds,
            sizeBytes: row.sizeBytes, stage: row.stage.flatMap { Stage(sanitizing: $0) }, serverIP: row.serverIP,
            startTime: row.startDate, endTime: row.endDate, createdAt: row.createdDate ?? row.startDate,
            updatedAt: row.updatedDate ?? row.startDate, callID: row.callID, leadID: row.leadID,
            cause: row.cause?.rawValue, pausedSeconds: row.pausedSeconds, maskedSeconds: row.maskedSeconds,
            failureReason: row.error, sha256: row.sha256)
        snapshot.byCampaign = byCampaign
        snapshot.eventURL = row.eventURL
        return snapshot
    }
}
