public struct RecordingCommand: Sendable, Hashable {
    public var function: RecordingFunction
    public var agentUser: String
    public var action: RecordingAction

    public init(function: RecordingFunction, agentUser: String, action: RecordingAction) {
        self.function = function
        self.agentUser = agentUser
        self.action = action
    }
}
