import Foundation
import Logging
import Synchronization
import TapedeckLifecycle
import TapedeckSystem

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
    let listener: Socket
    let maxConnections: Int
    let refusals: Refusals
    let log: RateLimitedLog
    let serve: @Sendable (Socket) -> Void
    private var reserve: FileDescriptor?
    private let open = Atomic<Int>(0)
    private var thread: StoppableThread?

    /// `serve` handles one connection; the loop closes it when `serve` returns.
    /// `log` is flushed on the accept thread a few times a second.
    init(name: String, listener: Socket, maxConnections: Int, refusals: Refusals, log: RateLimitedLog,
         serve: @escaping @Sendable (Socket) -> Void) {
        self.name = name
        self.listener = listener
        self.maxConnections = maxConnections
        self.refusals = refusals
        self.log = log
        self.serve = serve
    }

    var openConnections: Int { open.load(ordering: .relaxed) }

    func start(threadName: String) {
        reserve = Self.openReserve()
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
        try? reserve?.close()
        reserve = nil
        listener.close()
    }

    private static func openReserve() -> FileDescriptor? { try? FileDescriptor.open("/dev/null", .readOnly) }

    private func run(_ thread: StoppableThread) {
        while !thread.isStopping {
            log.flush()
            guard listener.waitReadable(milliseconds: 200) == .readable else { continue }
            let e: Errno
            switch listener.accept() {
            case .success(let connection): admit(connection); continue
            case .failure(let error): e = error
            }
            switch e {
            case .tooManyOpenFiles, .tooManyOpenFilesInSystem: shed(e)
            case .interrupted, .resourceTemporarilyUnavailable, .connectionAbort, .protocolError: continue
            default:
                log.log(.error, "\(name): accept failed", client: "accept", metadata: ["error": "\(e)"])
                pause()
            }
        }
    }

    private func admit(_ fd: Socket) {
        guard open.load(ordering: .relaxed) < maxConnections else {
            fd.sendNow(refusals.tooMany)
            fd.close()
            log.log(.warning, "\(name): connection refused: at the limit of open connections", client: "accept",
                    metadata: ["max_connections": "\(maxConnections)"])
            return
        }
        open.add(1, ordering: .relaxed)
        let t = Thread { [self] in
            serve(fd)
            fd.close()
            open.subtract(1, ordering: .relaxed)
        }
        t.name = "tapedeck-conn"
        t.start()
    }

    /// Out of descriptors: refuse the waiting connection through the reserve descriptor,
    /// or pause when there is none.
    private func shed(_ error: Errno) {
        log.log(.error, "\(name): out of file descriptors; new connections are refused until some close",
                client: "accept", metadata: ["error": "\(error)",
                                             "open_connections": "\(openConnections)"])
        if let spare = reserve {
            try? spare.close()
            if case .success(let fd) = listener.accept() {
                fd.sendNow(refusals.outOfDescriptors)
                fd.close()
            }
            reserve = Self.openReserve()
        }
        if reserve == nil {
            pause()
            reserve = Self.openReserve()
        }
    }

    private func pause() { Poll.pause(milliseconds: Self.pauseMilliseconds) }
}
