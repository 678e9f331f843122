import Foundation

/// One `[[webhook]]` endpoint as the delivery code uses it.
public struct WebhookEndpoint: Sendable, Equatable {
    /// Names the endpoint's rows in the outbox (and in `tapedeck webhooks`).
    public var name: String
    /// Where every event it wants is posted; nil for an endpoint that only serves
    /// per-recording callbacks.
    public var url: String?
    /// The HMAC-SHA256 key.
    public var secret: String
    /// Event names or `prefix.*` patterns (`recording.*`, `agent.login`).
    public var events: [String]
    /// A per-recording `event_url` under one of these prefixes is posted as this endpoint.
    public var callbackPrefixes: [String]
    /// The most one request may take, connecting included.
    public var timeoutSeconds: Double
    /// How long a failing delivery is retried before it is kept as dead.
    public var horizonSeconds: Double
    public var backoff: Backoff
    /// A PEM file of CA certificates to trust for HTTPS instead of the system's.
    public var caFile: String?

    public init(name: String, url: String?, secret: String, events: [String], callbackPrefixes: [String] = [],
                timeoutSeconds: Double = 10, horizonSeconds: Double = 86_400, backoff: Backoff = Backoff(),
                caFile: String? = nil) {
        self.name = name
        self.url = url
        self.secret = secret
        self.events = events
        self.callbackPrefixes = callbackPrefixes
        self.timeoutSeconds = timeoutSeconds
        self.horizonSeconds = horizonSeconds
        self.backoff = backoff
        self.caFile = caFile
    }

    /// Whether the endpoint wants the event called `name`.
    public func wants(_ name: String) -> Bool {
        events.contains { pattern in
            pattern == "*" || pattern == name || (pattern.hasSuffix(".*") && name.hasPrefix(pattern.dropLast()))
        }
    }

    /// Whether a per-recording callback URL is one this endpoint serves.
    public func serves(callback url: String) -> Bool {
        callbackPrefixes.contains { url.hasPrefix($0) }
    }
}
