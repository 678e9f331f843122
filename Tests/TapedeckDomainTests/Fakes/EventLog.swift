import Synchronization
import TapedeckDomain

/// The events the controller published, in order.
final class EventLog: EventSink, Sendable {
    private let events = Mutex<[Event]>([])
    func publish(_ event: Event) { events.withLock { $0.append(event) } }
    var all: [Event] { events.withLock { $0 } }
    var payloads: [Event.Payload] { all.map(\.payload) }
    func clear() { events.withLock { $0 = [] } }
}
