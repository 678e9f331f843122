import Foundation

extension RecordingSnapshot {
    /// The JSON `storage_type` of every recording (the files are on this box).
    public static let storageType = "local"

    /// Always present, in this order: id, agent_user, session_id, station,
    /// function, kind, status, format, filename, file_path, storage_type,
    /// duration_seconds, size_bytes, stage, server_ip, start_time, end_time,
    /// created_at, updated_at. Then, only when set: call_id, lead_id, cause,
    /// paused_seconds, masked_seconds, reason, origin (`campaign`), sha256.
    public func json(timeZone: TimeZone) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("id", .integer(id)),
            ("agent_user", .string(agentUser)),
            ("session_id", .string(sessionID)),
            ("station", .string(station)),
            ("function", .string(function.rawValue)),
            ("kind", .string(kind.rawValue)),
            ("status", .string(status.rawValue)),
            ("format", .string(format.rawValue)),
            ("filename", .string(filename)),
            ("file_path", .string(filePath)),
            ("storage_type", .string(Self.storageType)),
            ("duration_seconds", durationSeconds.map(JSONValue.seconds) ?? .null),
            ("size_bytes", sizeBytes.map(JSONValue.integer) ?? .null),
            ("stage", stage.map { .string($0.value) } ?? .null),
            ("server_ip", .string(serverIP)),
            ("start_time", .string(TimeFormat.localDateTime(startTime, timeZone: timeZone))),
            ("end_time", endTime.map { .string(TimeFormat.localDateTime($0, timeZone: timeZone)) } ?? .null),
            ("created_at", .string(TimeFormat.iso8601(createdAt, timeZone: timeZone))),
            ("updated_at", .string(TimeFormat.iso8601(updatedAt, timeZone: timeZone))),
        ]
        if let callID { members.append(("call_id", .string(callID))) }
        if let leadID { members.append(("lead_id", .string(leadID))) }
        if let cause { members.append(("cause", .string(cause))) }
        if let pausedSeconds { members.append(("paused_seconds", .seconds(pausedSeconds))) }
        if let maskedSeconds { members.append(("masked_seconds", .seconds(maskedSeconds))) }
        if let failureReason { members.append(("reason", .string(failureReason))) }
        if byCampaign { members.append(("origin", .string(Self.campaignOrigin))) }
        if let sha256 { members.append(("sha256", .string(sha256))) }
        return .object(members)
    }
}
