import Foundation
import TapedeckControl
import TapedeckLog

/// Turns an event into the outbox rows it makes: one per endpoint that wants it, plus
/// one to the recording's own callback URL (as the endpoint whose prefix it is under).
public struct WebhookRouter: Sendable {
    public let endpoints: [WebhookEndpoint]
    let timeZone: TimeZone
    let newID: @Sendable () -> String

    public init(endpoints: [WebhookEndpoint], timeZone: TimeZone,
                newID: @escaping @Sendable () -> String = { UUID().uuidString.lowercased() }) {
        self.endpoints = endpoints
        self.timeZone = timeZone
        self.newID = newID
    }

    /// The first endpoint serving a callback URL (nil: the URL is not allowed).
    public func endpoint(forCallback url: String) -> WebhookEndpoint? {
        endpoints.first { $0.serves(callback: url) }
    }

    public func entries(for event: Event, sha256: String? = nil) -> [OutboxEntry] {
        guard event.name != "subscription.cut_off" else { return [] }
        let name = WebhookBody.name(of: event)
        let recording = WebhookBody.recording(of: event)
        var targets: [(WebhookEndpoint, String)] = endpoints.compactMap { e in
            guard let url = e.url, e.wants(name) else { return nil }
            return (e, url)
        }
        if let callback = recording?.eventURL, let e = endpoint(forCallback: callback),
           !targets.contains(where: { $0.0.name == e.name && $0.1 == callback }) {
            targets.append((e, callback))
        }
        guard !targets.isEmpty else { return [] }
        let id = newID()
        let body = WebhookBody.render(event, id: id, timeZone: timeZone, sha256: sha256)
        let subject = recording.map { "recording:\($0.id)" } ?? "event:\(id)"
        return targets.map { e, url in
            OutboxEntry(eventID: id, event: name, endpoint: e.name, url: url, subject: subject,
                        recordingID: recording?.id, body: body, createdAt: event.createdAt,
                        deadline: event.createdAt.addingTimeInterval(e.horizonSeconds))
        }
    }
}
