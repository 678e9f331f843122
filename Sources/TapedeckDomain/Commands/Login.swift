public struct Login: Sendable, Hashable {
    public var agentUser: String
    public var station: String
    public var sessionID: String
    /// nil: the daemon uses its own server_ip.
    public var agentServer: String?
    /// Default `PAUSED`.
    public var agentStatus: String

    public init(agentUser: String, station: String, sessionID: String, agentServer: String? = nil,
                agentStatus: String = "PAUSED") {
        self.agentUser = agentUser
        self.station = station
        self.sessionID = sessionID
        self.agentServer = agentServer
        self.agentStatus = agentStatus
    }
}
