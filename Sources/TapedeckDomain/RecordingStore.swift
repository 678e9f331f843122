import Foundation

/// The recording log as the domain uses it: a row when a recording starts, completed
/// when it ends. The daemon's store is SQLite (`LogStore`); Tests/TapedeckDomainTests has
/// an in-memory one (`MemoryStore`). The controller never calls it under its lock.
public protocol RecordingStore: Sendable {
    /// Writes the row of a recording that starts now and returns its new recording_id.
    func insertStarted(_ recording: RecordingSnapshot) throws -> Int64
    /// Records the file's name and full path once they are known.
    func setLocation(id: Int64, filename: String, location: String) throws
    /// Completes the row of a recording that ended (its `sha256` is the final file's);
    /// `repair` says the daemon repaired the file in place first.
    func complete(_ recording: RecordingSnapshot, framesLost: UInt64, repair: FileRepairNote?) throws
    /// The recording started (its final name is known, capture runs): records the name
    /// and, with webhooks, the event in one transaction. By default, ``setLocation(id:filename:location:)``.
    func started(_ recording: RecordingSnapshot) throws
    /// Rows matching a lookup, newest first, at most `limit`.
    func lookup(_ query: RecordingLookup, limit: Int) throws -> [RecordingSnapshot]
}

extension RecordingStore {
    public func started(_ recording: RecordingSnapshot) throws {
        try setLocation(id: recording.id, filename: recording.filename, location: recording.filePath)
    }
}

/// Where events go (the subscribers of `function=subscribe`).
public protocol EventSink: Sendable {
    func publish(_ event: Event)
}
