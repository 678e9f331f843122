import Foundation

/// What the protocol shows of a logged-in agent. The daemon fills it from its
/// state; all fields are already validated values.
public struct AgentSnapshot: Sendable, Hashable {
    public var agentUser: String
    public var station: String
    public var sessionID: String
    /// The agent's web server (login's `agent_server`, default: this box's server_ip).
    public var agentServer: String
    public var agentStatus: String
    public var loggedInAt: Date

    public init(agentUser: String, station: String, sessionID: String, agentServer: String,
                agentStatus: String, loggedInAt: Date) {
        self.agentUser = agentUser
        self.station = station
        self.sessionID = sessionID
        self.agentServer = agentServer
        self.agentStatus = agentStatus
        self.loggedInAt = loggedInAt
    }

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
