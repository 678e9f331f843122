import Foundation
import Logging
import Synchronization
import TapedeckControl
import TapedeckDomain
import TapedeckSystem

/// The control socket: many clients at once, one request per line and one reply line per
/// request, in order. Each connection has a thread of its own (at most
/// `maxConnections`, see ``AcceptLoop``); a request is handled completely (a STOP until
/// its files are final) before the connection's next one. A connection that sends
/// nothing for `idleTimeoutSeconds` is told so and closed; one that reads nothing of
/// what is written to it for `sendTimeoutSeconds` (a reply or, for a subscriber, events)
/// is closed.
public final class ControlServer: @unchecked Sendable {
    public struct Options: Sendable {
        public static let defaultMaxConnections = 256
        public static let defaultIdleTimeoutSeconds = 300
        public static let defaultSendTimeoutSeconds = 10

        public var path: String
        public var mode: mode_t
        public var group: String?
        public var maxConnections: Int
        public var idleTimeoutSeconds: Int
        public var sendTimeoutSeconds: Int
        public init(path: String, mode: mode_t = 0o660, group: String? = nil,
                    maxConnections: Int = Options.defaultMaxConnections,
                    idleTimeoutSeconds: Int = Options.defaultIdleTimeoutSeconds,
                    sendTimeoutSeconds: Int = Options.defaultSendTimeoutSeconds) {
            self.path = path
            self.mode = mode
            self.group = group
            self.maxConnections = maxConnections
            self.idleTimeoutSeconds = idleTimeoutSeconds
            self.sendTimeoutSeconds = sendTimeoutSeconds
        }
    }

    let options: Options
    let controller: Controller
    let events: EventHub
    let timeZone: TimeZone
    let logger: Logger
    /// Counts every request's handling time (nil: not counted).
    let metrics: Metrics?
    /// Answers `function=metrics` / `function=health` (nil: unknown functions).
    let observe: (@Sendable (Probe) -> Reply)?
    /// Lines a client can cause, rate-limited per client and message.
    let clientLog: RateLimitedLog
    private var loop: AcceptLoop?

    init(options: Options, controller: Controller, events: EventHub, timeZone: TimeZone, logger: Logger,
         metrics: Metrics?, observe: (@Sendable (Probe) -> Reply)?) {
        self.metrics = metrics
        self.observe = observe
        self.options = options
        self.controller = controller
        self.events = events
        self.timeZone = timeZone
        self.logger = logger
        clientLog = RateLimitedLog(logger: logger)
    }

    public convenience init(options: Options, controller: Controller, events: EventHub, timeZone: TimeZone, logger: Logger) {
        self.init(options: options, controller: controller, events: events, timeZone: timeZone, logger: logger,
                  metrics: nil, observe: nil)
    }

    public var openConnections: Int { loop?.openConnections ?? 0 }

    /// Binds the socket and starts accepting.
    public func start() throws {
        let listener = try Socket.listenControl(path: options.path, mode: options.mode, group: options.group)
        let refusals = AcceptLoop.Refusals(
            tooMany: ControlError.tooManyConnections(limit: options.maxConnections).textLine + "\n",
            outOfDescriptors: ControlError.tooManyOpenFiles.textLine + "\n")
        let loop = AcceptLoop(name: "control socket", listener: listener, maxConnections: options.maxConnections,
                              refusals: refusals, log: clientLog, serve: { [self] fd in serve(fd) })
        loop.start(threadName: "tapedeck-accept")
        self.loop = loop
        logger.info("control socket listening", metadata: ["path": "\(options.path)",
                                                           "max_connections": "\(options.maxConnections)"])
    }

    /// Stops accepting and removes the socket file (open connections finish their request).
    public func stop() {
        guard let loop else { return }
        loop.stop()
        FileSystem.remove(options.path)
        self.loop = nil
    }

    /// Reads requests and writes replies until EOF, a fatal framing error, an idle
    /// timeout, a client that does not read, or subscribe.
    private func serve(_ fd: Socket) {
        fd.setSendTimeout(seconds: options.sendTimeoutSeconds)
        let client = fd.peerDescription
        var framer = LineFramer()
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            if fd.waitReadable(milliseconds: options.idleTimeoutSeconds * 1000) == .timedOut {
                fd.sendNow(ControlError.idleTimeout(seconds: options.idleTimeoutSeconds).textLine + "\n")
                clientLog.log(.info, "idle connection closed", client: client,
                              metadata: ["idle_timeout_seconds": "\(options.idleTimeoutSeconds)"])
                return
            }
            let n = (try? buffer.withUnsafeMutableBytes { b in try fd.receive(into: b) }) ?? -1
            let outputs = n > 0 ? framer.feed(buffer[0..<n]) : framer.finish()
            for output in outputs {
                switch respond(to: output, framer: framer, fd: fd, client: client) {
                case .next: continue
                case .close: return
                case .subscribe(let subscriber):
                    if events.serve(subscriber) == .notReading {
                        clientLog.log(.warning, "subscriber dropped: not reading its events", client: client,
                                      metadata: ["send_timeout_seconds": "\(options.sendTimeoutSeconds)"])
                    }
                    return
                }
            }
            if n <= 0 { return }
        }
    }

    private enum Next { case next, close, subscribe(EventHub.Subscriber) }

    private func respond(to output: LineFramer.Output, framer: LineFramer, fd: Socket, client: String) -> Next {
        if let failure = framer.failure(for: output) {
            try? fd.send(failure.rendered(timeZone: timeZone))
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
            if case .failure(let error) = answer {
                clientLog.log(.info, "request refused", client: client,
                              kind: "\(request.functionName.rawValue) \(error.code.rawValue)",
                              metadata: ["function": "\(request.functionName.rawValue)",
                                         "reply": "\(reply.trimmingCharacters(in: .newlines))"])
            }
        }
        let notReading: Bool
        do throws(Errno) {
            try fd.send(reply)
            return next
        } catch {
            notReading = Socket.isNotReading(error)
        }
        if case .subscribe(let subscriber) = next { events.unregister(subscriber) }
        if notReading {
            clientLog.log(.warning, "connection closed: the client does not read its replies", client: client,
                          metadata: ["send_timeout_seconds": "\(options.sendTimeoutSeconds)"])
        }
        return .close
    }
}
