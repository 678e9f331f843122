import Foundation
import Synchronization
import TapedeckDomain

/// The recording log in memory: rows by id, as the domain wrote them.
final class MemoryStore: RecordingStore, Sendable {
    struct State {
        var rows: [Int64: RecordingSnapshot] = [:]
        var nextID: Int64 = 1
        var insertError: String?
        /// Called inside `insertStarted` (to hold a START in flight).
        var onInsert: (@Sendable (RecordingSnapshot) -> Void)?
        /// Called inside `started` (after the backend started it, before the START commits).
        var onStarted: (@Sendable (RecordingSnapshot) -> Void)?
    }
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }
    let state = Mutex(State())

    func row(_ id: Int64) -> RecordingSnapshot? { state.withLock { $0.rows[id] } }
    var rows: [RecordingSnapshot] { state.withLock { $0.rows.values.sorted { $0.id < $1.id } } }
    func set(_ change: (inout State) -> Void) { state.withLock { change(&$0) } }

    func insertStarted(_ recording: RecordingSnapshot) throws -> Int64 {
        state.withLock { $0.onInsert }?(recording)
        let result: Result<Int64, Failure> = state.withLock { s in
            if let e = s.insertError { return .failure(Failure(description: e)) }
            var r = recording
            r.id = s.nextID
            s.nextID += 1
            s.rows[r.id] = r
            return .success(r.id)
        }
        return try result.get()
    }

    func setLocation(id: Int64, filename: String, location: String) throws {
        state.withLock { s in
            s.rows[id]?.filename = filename
            s.rows[id]?.filePath = location
        }
    }

    func started(_ recording: RecordingSnapshot) throws {
        state.withLock { $0.onStarted }?(recording)
        try setLocation(id: recording.id, filename: recording.filename, location: recording.filePath)
    }

    func complete(_ recording: RecordingSnapshot, framesLost: UInt64, repair: FileRepairNote?) throws {
        state.withLock { $0.rows[recording.id] = recording }
    }

    func lookup(_ query: RecordingLookup, limit: Int) throws -> [RecordingSnapshot] {
        let rows = state.withLock { Array($0.rows.values) }.filter { r in
            (query.agentUser == nil || r.agentUser == query.agentUser) && (query.callID == nil || r.callID == query.callID)
                && (query.leadID == nil || r.leadID == query.leadID) && (query.recordingID == nil || r.id == query.recordingID)
        }
        return Array(rows.sorted { $0.id > $1.id }.prefix(limit))
    }
}
