import Foundation
import Logging
import TapedeckControl
import TapedeckSystem

/// The optional HTTP listener for Prometheus (`[metrics] listen`): `GET /metrics` and
/// `GET /health` (see `ScrapeHTTP`). One request per connection; connections are served
/// at once, each on its own thread (at most `maxConnections`; one beyond that gets a 503
/// at once), and each gets `requestSeconds` in all to send its request head and read the
/// response before it is closed (408 when the head has not arrived). So slow or silent
/// clients never delay another scrape, and never touch the control socket, a capture or
/// a writer thread.
final class ScrapeServer: @unchecked Sendable {
    static let maxConnections = 64
    static let requestSeconds = 2

    let host: String
    let port: Int
    let logger: Logger
    let metrics: @Sendable () -> String
    let health: @Sendable () -> HealthSnapshot
    private let clientLog: RateLimitedLog
    private var loop: AcceptLoop?

    init(host: String, port: Int, logger: Logger, metrics: @escaping @Sendable () -> String,
         health: @escaping @Sendable () -> HealthSnapshot) {
        self.host = host
        self.port = port
        self.logger = logger
        self.metrics = metrics
        self.health = health
        clientLog = RateLimitedLog(logger: logger)
    }

    func start() throws {
        let listener = try Socket.listenMetrics(host: host, port: port)
        let refusals = AcceptLoop.Refusals(tooMany: ScrapeHTTP.busy(limit: Self.maxConnections).rendered,
                                           outOfDescriptors: ScrapeHTTP.outOfDescriptors.rendered)
        let loop = AcceptLoop(name: "metrics listener", listener: listener, maxConnections: Self.maxConnections,
                              refusals: refusals, log: clientLog, serve: { [self] fd in serve(fd) })
        loop.start(threadName: "tapedeck-scrape")
        self.loop = loop
        logger.info("metrics listener listening", metadata: ["address": "\(host):\(port)"])
    }

    func stop() {
        guard let loop else { return }
        loop.stop()
        self.loop = nil
    }

    /// Reads one request head within the deadline and answers it.
    private func serve(_ fd: Socket) {
        fd.setSendTimeout(seconds: Self.requestSeconds)
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(Self.requestSeconds) * 1_000_000_000
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 2048)
        while true {
            let now = DispatchTime.now().uptimeNanoseconds
            let left = now < deadline ? Int((deadline - now) / 1_000_000) : 0
            if fd.waitReadable(milliseconds: left) == .timedOut {
                fd.sendNow(ScrapeHTTP.timedOut(seconds: Self.requestSeconds).rendered)
                return
            }
            let n = (try? buffer.withUnsafeMutableBytes { b in try fd.receive(into: b) }) ?? -1
            if n <= 0 { return }
            received += buffer[0..<n]
            if let response = ScrapeHTTP.respond(to: ScrapeHTTP.head(received), metrics: metrics, health: health) {
                try? fd.send(response.rendered)
                return
            }
        }
    }
}
