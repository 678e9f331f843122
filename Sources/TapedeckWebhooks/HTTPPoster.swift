import Foundation

/// One HTTP POST and what came of it.
public struct HTTPRequest: Sendable {
    public var url: String
    public var headers: [(String, String)]
    public var body: String
    public var timeoutSeconds: Double
    public var caFile: String?
}

public enum HTTPOutcome: Sendable, Equatable {
    /// The server answered with this status.
    case status(Int)
    /// No answer: connection refused, timeout, TLS failure… (libcurl's message).
    case failed(String)
}

/// Posts a request; blocking, called on a delivery thread.
public protocol HTTPPoster: Sendable {
    func post(_ request: HTTPRequest) -> HTTPOutcome
}
