import Dispatch
import Foundation
import Synchronization
import TapedeckControl
import TapedeckDomain
import TapedeckSystem

/// The subscribers of `function=subscribe`. Publishing never blocks: each subscriber has
/// a bounded queue drained by its own thread; one that cannot keep up is sent a last
/// notice and cut off, so a slow subscriber never slows recording.
public final class EventHub: EventSink, Sendable {
    public static let defaultQueueLimit = 1000
    let queueLimit: Int
    let timeZone: TimeZone
    private let subscribers = Mutex<[ObjectIdentifier: Subscriber]>([:])

    public init(queueLimit: Int = EventHub.defaultQueueLimit, timeZone: TimeZone) {
        self.queueLimit = queueLimit
        self.timeZone = timeZone
    }

    public var subscriberCount: Int { subscribers.withLock { $0.count } }

    public func publish(_ event: Event) {
        let line = event.rendered(timeZone: timeZone)
        for s in subscribers.withLock({ Array($0.values) }) where !s.enqueue(line) {
            let notice = Event(.subscriberCutOff(queueLimit: queueLimit, reason: "subscriber too slow: \(queueLimit) events waiting"),
                               createdAt: Date()).rendered(timeZone: timeZone)
            s.cutOff(with: notice)
            remove(s)
        }
    }

    /// Streams events to `fd` until the peer goes away or is cut off; returns then.
    /// Adds a subscriber on `fd`: events published from now on are queued for it. Call
    /// before the reply to `function=subscribe` is sent, so no event after that reply is missed.
    func register(fd: Socket) -> Subscriber {
        let s = Subscriber(fd: fd, limit: queueLimit)
        subscribers.withLock { $0[ObjectIdentifier(s)] = s }
        return s
    }

    /// Why a subscriber's stream ended.
    enum End: Equatable {
        /// The peer went away.
        case closed
        /// It fell a whole queue behind and was sent `subscription.cut_off`.
        case cutOff
        /// A write made no progress for the connection's send timeout.
        case notReading
    }

    /// Writes the subscriber's events until it goes away (on the connection's thread).
    @discardableResult
    func serve(_ s: Subscriber) -> End {
        let end = s.run()
        remove(s)
        return end
    }

    /// Drops a subscriber that will never be served (its reply could not be sent).
    func unregister(_ s: Subscriber) { remove(s) }

    private func remove(_ s: Subscriber) {
        _ = subscribers.withLock { $0.removeValue(forKey: ObjectIdentifier(s)) }
    }

    final class Subscriber: Sendable {
        let fd: Socket
        let limit: Int
        private let queue = Mutex<(lines: [String], closing: Bool)>(([], false))
        private let ready = DispatchSemaphore(value: 0)

        init(fd: Socket, limit: Int) {
            self.fd = fd
            self.limit = limit
        }

        /// False when the queue is full.
        func enqueue(_ line: String) -> Bool {
            let ok = queue.withLock { q -> Bool in
                guard !q.closing else { return true }
                guard q.lines.count < limit else { return false }
                q.lines.append(line)
                return true
            }
            if ok { ready.signal() }
            return ok
        }

        func cutOff(with notice: String) {
            queue.withLock { q in q.lines.append(notice); q.closing = true }
            ready.signal()
        }

        /// Writes queued lines until closed; also notices a peer that hung up. A write
        /// that times out (the socket's send timeout: the peer reads nothing) ends it.
        func run() -> End {
            while true {
                _ = ready.wait(timeout: .now() + 1)
                let (lines, closing) = queue.withLock { q -> ([String], Bool) in
                    defer { q.lines = [] }
                    return (q.lines, q.closing)
                }
                for line in lines {
                    do throws(Errno) { try fd.send(line) } catch {
                        return Socket.isNotReading(error) ? .notReading : .closed
                    }
                }
                if closing { return .cutOff }
                if fd.peerHasClosed() { return .closed }
            }
        }
    }
}
