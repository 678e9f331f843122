/// Why the engine cannot do what it was asked (in words, for the client and the log).
public struct EngineError: Error, Sendable, Equatable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
