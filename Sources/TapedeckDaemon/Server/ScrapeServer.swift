import Foundation
import Logging
import Synchronization
import TapedeckControl
#if canImport(Glibc)
import Glibc
#endif

/// The optional HTTP listener for Prometheus (`[metrics] listen`): `GET /metrics` and
/// `GET /health` (see `ScrapeHTTP`). One thread; one request per connection, read with a
/// 2 s limit, so a slow or silent client delays the next scrape by 2 s at most and never
/// touches the control socket, a capture or a writer thread.
final class ScrapeServer: @unchecked Sendable {
    let host: String
    let port: Int
    let logger: Logger
    let metrics: @Sendable () -> String
    let health: @Sendable () -> HealthSnapshot
    private var listenFD: Int32 = -1
    private let stopping = Atomic<Bool>(false)
    private var thread: Thread?
    private let exited = DispatchSemaphore(value: 0)

    init(host: String, port: Int, logger: Logger, metrics: @escaping @Sendable () -> String,
         health: @escaping @Sendable () -> HealthSnapshot) {
        self.host = host
        self.port = port
        self.logger = logger
        self.metrics = metrics
        self.health = health
    }

    func start() throws {
        listenFD = try Socket.listenTCP(host: host, port: port)
        let t = Thread { [self] in loop() }
        t.name = "tapedeck-scrape"
        t.start()
        thread = t
        logger.info("metrics listener listening", metadata: ["address": "\(host):\(port)"])
    }

    func stop() {
        guard listenFD >= 0 else { return }
        stopping.store(true, ordering: .relaxed)
        exited.wait()
        close(listenFD)
        listenFD = -1
    }

    private func loop() {
        while !stopping.load(ordering: .relaxed) {
            var p = pollfd(fd: listenFD, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 200) > 0 else { continue }
            let fd = accept(listenFD, nil, nil)
            guard fd >= 0 else { continue }
            serve(fd)
            close(fd)
        }
        exited.signal()
    }

    private func serve(_ fd: Int32) {
        var limit = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 2048)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }   // closed, or silent for 2 s
            received += buffer[0..<n]
            if let response = ScrapeHTTP.respond(to: ScrapeHTTP.head(received), metrics: metrics, health: health) {
                Socket.send(fd, response.rendered)
                return
            }
        }
    }
}
