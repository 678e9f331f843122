import Foundation
import Logging
import Synchronization
import TapedeckLifecycle
#if canImport(Glibc)
import Glibc
#endif

/// The accept thread of a listening socket, shared by the control socket and the metrics
/// listener: each connection is served on a thread of its own, at most `maxConnections`
/// at once; one beyond that is sent `refusals.tooMany` and closed. When the process runs
/// out of file descriptors (EMFILE/ENFILE) the loop does not spin: it gives up a reserve
/// descriptor to accept the waiting connection, sends it `refusals.outOfDescriptors` and
/// closes it, and when even that fails it pauses 100 ms before trying again; either way
/// it logs (rate-limited) that connections are being refused. The loop owns the listening
/// socket: `stop` closes it.
final class AcceptLoop: @unchecked Sendable {
    struct Refusals: Sendable {
        var tooMany: String
        var outOfDescriptors: String
    }

    static let pauseMilliseconds: Int32 = 100

    let name: String
    let listenFD: Int32
    let maxConnections: Int
    let refusals: Refusals
    let log: RateLimitedLog
    let serve: @Sendable (Int32) -> Void
    private var reserveFD: Int32 = -1
    private let open = Atomic<Int>(0)
    private var thread: StoppableThread?

    /// `serve` handles one connection; the loop closes it when `serve` returns.
    /// `log` is flushed on the accept thread a few times a second.
    init(name: String, listenFD: Int32, maxConnections: Int, refusals: Refusals, log: RateLimitedLog,
         serve: @escaping @Sendable (Int32) -> Void) {
        self.name = name
        self.listenFD = listenFD
        self.maxConnections = maxConnections
        self.refusals = refusals
        self.log = log
        self.serve = serve
    }

    var openConnections: Int { open.load(ordering: .relaxed) }

    func start(threadName: String) {
        reserveFD = Self.openReserve()
        let t = StoppableThread(name: threadName)
        thread = t
        t.start { [self] in run(t) }
    }

    /// Stops accepting (connections being served go on), waits for the thread and closes
    /// the listening socket.
    func stop() {
        guard let thread else { return }
        self.thread = nil
        thread.stop()
        if reserveFD >= 0 { close(reserveFD); reserveFD = -1 }
        close(listenFD)
    }

    private static func openReserve() -> Int32 { Glibc.open("/dev/null", O_RDONLY | O_CLOEXEC) }

    private func acceptOne() -> Int32 {
        let fd = accept(listenFD, nil, nil)
        if fd >= 0 { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return fd
    }

    private func run(_ thread: StoppableThread) {
        while !thread.isStopping {
            log.flush()
            var p = pollfd(fd: listenFD, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 200) > 0 else { continue }
            let fd = acceptOne()
            if fd >= 0 { admit(fd); continue }
            switch errno {
            case EMFILE, ENFILE: shed(errno)
            case EINTR, EAGAIN, ECONNABORTED, EPROTO: continue
            case let e:
                log.log(.error, "\(name): accept failed", client: "accept", metadata: ["error": "\(String(cString: strerror(e)))"])
                pause()
            }
        }
    }

    private func admit(_ fd: Int32) {
        guard open.load(ordering: .relaxed) < maxConnections else {
            Socket.sendNow(fd, refusals.tooMany)
            close(fd)
            log.log(.warning, "\(name): connection refused: at the limit of open connections", client: "accept",
                    metadata: ["max_connections": "\(maxConnections)"])
            return
        }
        open.add(1, ordering: .relaxed)
        let t = Thread { [self] in
            serve(fd)
            close(fd)
            open.subtract(1, ordering: .relaxed)
        }
        t.name = "tapedeck-conn"
        t.start()
    }

    /// Out of descriptors: refuse the waiting connection through the reserve descriptor,
    /// or pause when there is none.
    private func shed(_ error: Int32) {
        log.log(.error, "\(name): out of file descriptors; new connections are refused until some close",
                client: "accept", metadata: ["error": "\(String(cString: strerror(error)))",
                                             "open_connections": "\(openConnections)"])
        if reserveFD >= 0 {
            close(reserveFD)
            let fd = acceptOne()
            if fd >= 0 {
                Socket.sendNow(fd, refusals.outOfDescriptors)
                close(fd)
            }
            reserveFD = Self.openReserve()
        }
        if reserveFD < 0 {
            pause()
            reserveFD = Self.openReserve()
        }
    }

    private func pause() { _ = poll(nil, 0, Self.pauseMilliseconds) }
}
