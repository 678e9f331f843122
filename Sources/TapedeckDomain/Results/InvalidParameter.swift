/// A missing or malformed parameter (code invalid_request).
public struct InvalidParameter: Sendable, Hashable {
    public enum Problem: Sendable, Hashable {
        case missing
        /// The reason, e.g. "must be 1 to 20 digits".
        case malformed(String)
    }

    /// The request's function when known.
    public var function: FunctionName?
    public var name: String
    public var problem: Problem
    /// The request's agent_user as given (echoed, cleaned, in text lines).
    public var agentUser: String?
    /// The request's `value` as given, for the VICIdial-style line of
    /// recording / stereo_recording / agent_status when agent_user is bad.
    public var value: String?

    public init(function: FunctionName?, name: String, problem: Problem, agentUser: String?, value: String? = nil) {
        self.function = function
        self.name = name
        self.problem = problem
        self.agentUser = agentUser
        self.value = value
    }
}
