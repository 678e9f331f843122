import Foundation

/// A logged-in agent as the domain reports it (in replies and events; the protocol
/// renders it). All fields are already validated values.
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
}
