import Foundation
import TapedeckControl

/// The JSON body of a webhook: `{"id", "event", "created_at", then the recording,
/// agent or station}`. The recording object carries all the API layer needs.
public enum WebhookBody {
    /// The webhook name of an event: a recording that completed as `discarded` (shorter
    /// than its minimum duration, or empty after a crash) is `recording.discarded`.
    public static func name(of event: Event) -> String {
        if case .recordingCompleted(let r) = event.payload, r.status == .discarded { return "recording.discarded" }
        return event.name
    }

    /// The recording an event is about, if any.
    public static func recording(of event: Event) -> RecordingSnapshot? {
        switch event.payload {
        case .recordingStarted(let r), .recordingCompleted(let r), .recordingFailed(let r, _),
             .recordingPaused(let r), .recordingResumed(let r): r
        default: nil
        }
    }

    public static func render(_ event: Event, id: String, timeZone: TimeZone, sha256: String? = nil) -> String {
        var members: [(String, JSONValue)] = [
            ("id", .string(id)),
            ("event", .string(name(of: event))),
            ("created_at", .string(TimeFormat.iso8601(event.createdAt, timeZone: timeZone))),
        ]
        if let r = recording(of: event) {
            if case .recordingFailed(_, let reason) = event.payload { members.append(("reason", .string(reason))) }
            members.append(("recording", recordingJSON(r, timeZone: timeZone, sha256: sha256)))
        } else if case .object(let rest) = event.jsonValue(timeZone: timeZone) {
            members += rest.filter { $0.0 != "event" && $0.0 != "created_at" }
        }
        return JSONValue.object(members).rendered
    }

    /// Every key always present (null when unknown), in this order.
    static func recordingJSON(_ r: RecordingSnapshot, timeZone: TimeZone, sha256: String?) -> JSONValue {
        func optional(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        return .object([
            ("recording_id", .integer(r.id)),
            ("call_id", optional(r.callID)),
            ("lead_id", optional(r.leadID)),
            ("agent_user", .string(r.agentUser)),
            ("station", .string(r.station)),
            ("function", .string(r.function.rawValue)),
            ("kind", .string(r.kind.rawValue)),
            ("format", .string(r.format.rawValue)),
            ("status", .string(r.status.rawValue)),
            ("cause", optional(r.cause)),
            ("start_time", .string(TimeFormat.iso8601(r.startTime, timeZone: timeZone))),
            ("end_time", r.endTime.map { .string(TimeFormat.iso8601($0, timeZone: timeZone)) } ?? .null),
            ("duration_seconds", r.status == .started ? .null : r.durationSeconds.map(JSONValue.seconds) ?? .null),
            ("size_bytes", r.status == .started ? .null : r.sizeBytes.map(JSONValue.integer) ?? .null),
            ("filename", .string((r.filePath as NSString).lastPathComponent)),
            ("storage_type", .string(RecordingSnapshot.storageType)),
            ("file_url", .string(r.filePath)),
            ("sha256", optional(r.sha256 ?? sha256)),
            ("server_ip", .string(r.serverIP)),
        ])
    }
}
