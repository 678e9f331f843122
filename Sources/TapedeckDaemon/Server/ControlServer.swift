import Foundation
import Logging
import Synchronization
import TapedeckControl
import TapedeckDomain
#if canImport(Glibc)
import Glibc
#endif

/// The control socket: many clients at once, one request per line and one reply line per
/// request, in order. Each connection has a thread of its own; a request is handled
/// completely (a STOP until its files are final) before the connection's next one.
public final class ControlServer: @unchecked Sendable {
    public struct Options: Sendable {
        public var path: String
        public var mode: mode_t
        public var group: String?
        public init(path: String, mode: mode_t = 0o660, group: String? = nil) {
            self.path = path
            self.mode = mode
            self.group = group
        }
    }

    let options: Options
    let controller: Controller
    let events: EventHub
    let timeZone: TimeZone
    let logger: Logger
    /// Issue 6: counts every request's handling time (nil: not counted).
    let metrics: Metrics?
    /// Issue 6: answers `function=metrics` / `function=health` (nil: unknown functions).
    let observe: (@Sendable (Probe) -> Reply)?
    private var listenFD: Int32 = -1
    private let stopping = Atomic<Bool>(false)
    private let connections = Atomic<Int>(0)
    private var acceptThread: Thread?
    private let acceptExited = DispatchSemaphore(value: 0)

    init(options: Options, controller: Controller, events: EventHub, timeZone: TimeZone, logger: Logger,
         metrics: Metrics?, observe: (@Sendable (Probe) -> Reply)?) {
        self.metrics = metrics
        self.observe = observe
        self.options = options
        self.controller = controller
        self.events = events
        self.timeZone = timeZone
        self.logger = logger
    }

    public convenience init(options: Options, controller: Controller, events: EventHub, timeZone: TimeZone, logger: Logger) {
        self.init(options: options, controller: controller, events: events, timeZone: timeZone, logger: logger,
                  metrics: nil, observe: nil)
    }

    public var openConnections: Int { connections.load(ordering: .relaxed) }

    /// Binds the socket and starts accepting.
    public func start() throws {
        listenFD = try Socket.listen(path: options.path, mode: options.mode, group: options.group)
        let t = Thread { [self] in acceptLoop() }
        t.name = "tapedeck-accept"
        t.start()
        acceptThread = t
        logger.info("control socket listening", metadata: ["path": "\(options.path)"])
    }

    /// Stops accepting and removes the socket file (open connections finish their request).
    public func stop() {
        guard listenFD >= 0 else { return }
        stopping.store(true, ordering: .relaxed)
        acceptExited.wait()
        close(listenFD)
        unlink(options.path)
        listenFD = -1
    }

    private func acceptLoop() {
        while !stopping.load(ordering: .relaxed) {
            var p = pollfd(fd: listenFD, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 200) > 0 else { continue }
            let fd = accept(listenFD, nil, nil)
            guard fd >= 0 else { continue }
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            connections.add(1, ordering: .relaxed)
            let t = Thread { [self] in
                serve(fd)
                close(fd)
                connections.subtract(1, ordering: .relaxed)
            }
            t.name = "tapedeck-conn"
            t.start()
        }
        acceptExited.signal()
    }

    /// Reads requests and writes replies until EOF, a fatal framing error, or subscribe.
    private func serve(_ fd: Int32) {
        var framer = LineFramer()
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            let outputs = n > 0 ? framer.feed(buffer[0..<n]) : framer.finish()
            for output in outputs {
                switch respond(to: output, framer: framer, fd: fd) {
                case .next: continue
                case .close: return
                case .subscribe(let subscriber):
                    events.serve(subscriber)
                    return
                }
            }
            if n <= 0 { return }
        }
    }

    private enum Next { case next, close, subscribe(EventHub.Subscriber) }

    private func respond(to output: LineFramer.Output, framer: LineFramer, fd: Int32) -> Next {
        if let failure = framer.failure(for: output) {
            Socket.send(fd, failure.rendered(timeZone: timeZone))
            return .close
        }
        guard case .line(let bytes) = output else { return .next }
        let reply: String
        var next = Next.next
        switch ControlRequest.parse(line: bytes) {
        case .failure(let failure):
            reply = failure.rendered(timeZone: timeZone)
        case .success(let request):
            let began = ContinuousClock.now
            let answer: Reply
            switch request {
            case .command(let r): answer = controller.handle(r.command)
            case .probe(let p, _): answer = observe?(p) ?? .failure(.unknownFunction(p.rawValue))
            }
            if let metrics {
                let took = began.duration(to: .now).components
                metrics.commandHandled(function: request.functionName.rawValue,
                                       seconds: Double(took.seconds) + Double(took.attoseconds) * 1e-18)
            }
            // Registered before the reply goes out: every event after it reaches the subscriber.
            if case .subscribed = answer { next = .subscribe(events.register(fd: fd)) }
            reply = answer.rendered(request.form, timeZone: timeZone)
            if answer.isFailure {
                logger.info("request refused", metadata: ["function": "\(request.functionName.rawValue)",
                                                          "reply": "\(reply.trimmingCharacters(in: .newlines))"])
            }
        }
        if Socket.send(fd, reply) { return next }
        if case .subscribe(let subscriber) = next { events.unregister(subscriber) }
        return .close
    }
}
