import TapedeckSystem
import Dispatch
import Logging
import Synchronization
import TapedeckAudio
import TapedeckLifecycle

/// Makes the running recordings' files durable: once an interval, from its own thread,
/// one syncfs(2) per file system that holds one of them (normally just the spool's),
/// instead of an fsync of every file every second from the writers, which at a thousand
/// recordings was a thousand fsyncs a second. The writers still rewrite every header or
/// Info tag once a second (a SIGKILL leaves files readable to their last second); this
/// bounds what a power cut takes (docs/recording.md, "Checkpoints"). A recording's end
/// still fsyncs its own files and directory before it is reported.
final class SpoolSyncer: @unchecked Sendable {
    static let interval = 1.0
    private let thread = StoppableThread(name: "tapedeck-sync")
    private let wake = DispatchSemaphore(value: 0)
    /// The directories of the files open now.
    private let directories: @Sendable () -> [String]
    private let logger: Logger
    /// Passes made so far.
    let passes = Atomic<UInt64>(0)
    /// Directories whose last sync failed (a failure is logged once, until one succeeds).
    private var failing: Set<String> = []

    init(logger: Logger, directories: @escaping @Sendable () -> [String]) {
        self.logger = logger
        self.directories = directories
    }

    func start() { thread.start { [self] in run() } }
    func stop() { thread.stop { wake.signal() } }

    private func run() {
        nameCurrentThread(thread.name)
        while true {
            _ = wake.wait(timeout: .now() + Self.interval)
            if thread.isStopping { break }
            syncOnce()
        }
    }

    /// One pass: each file system holding an open file synced once.
    func syncOnce() {
        var synced = Set<UInt64>()
        for dir in Set(directories()).sorted() {
            guard let device = FileSystem.device(of: dir), synced.insert(device).inserted else { continue }
            do throws(FileError) {
                try FileSystem.syncFileSystem(containing: dir)
                if failing.remove(dir) != nil { logger.notice("recording files sync again", metadata: ["directory": "\(dir)"]) }
            } catch {
                if failing.insert(dir).inserted {
                    logger.error("cannot sync the recording files", metadata: ["directory": "\(dir)", "error": "\(error)"])
                }
            }
        }
        passes.add(1, ordering: .relaxed)
    }
}
