import Foundation

extension AgentSnapshot {
    /// Key order: agent_user, station, session_id, agent_server, agent_status, logged_in_at.
    public func json(timeZone: TimeZone) -> JSONValue {
        .object([
            ("agent_user", .string(agentUser)),
            ("station", .string(station)),
            ("session_id", .string(sessionID)),
            ("agent_server", .string(agentServer)),
            ("agent_status", .string(agentStatus)),
            ("logged_in_at", .string(TimeFormat.iso8601(loggedInAt, timeZone: timeZone))),
        ])
    }
}
