import Foundation
import Logging

/// Several writer threads, so encoding can use every core: each new recording goes to
/// the writer with the fewest running. Two per core (at least four): a writer spends part
/// of its time blocked in fsync and write, and with one per core that time is lost to
/// encoding (bench/RESULTS.md: on 2 cores, 1,536 MP3 recordings fell behind with two
/// writers and 0.3 of the cores idle, and kept up with four).
///
/// Their files are made durable by one `SpoolSyncer` for all of them.
final class WriterPool: @unchecked Sendable {
    let writers: [WriterService]
    let syncer: SpoolSyncer

    init(count: Int = max(4, 2 * ProcessInfo.processInfo.activeProcessorCount), logger: Logger) {
        let writers = (0..<max(1, count)).map { WriterService(logger: logger, name: "tapedeck-wr\($0)") }
        self.writers = writers
        self.syncer = SpoolSyncer(logger: logger) { writers.flatMap { $0.directories() } }
    }

    func start() {
        for w in writers { w.start() }
        syncer.start()
    }

    func stop() {
        for w in writers { w.stop() }
        syncer.stop()
    }

    var onAutoEnd: (@Sendable (LiveRecordingHandle, RecordingResult) -> Void)? {
        get { writers[0].onAutoEnd }
        set { for w in writers { w.onAutoEnd = newValue } }
    }

    func add(_ handle: LiveRecordingHandle) {
        let target = writers.min { $0.load < $1.load } ?? writers[0]
        target.add(handle)
    }

    func cursors() -> [(station: String, position: UInt64)] { writers.flatMap { $0.cursors() } }

    func rings() -> Set<ObjectIdentifier> { Set(writers.flatMap { $0.rings() }) }

    /// Ends each recording at the audio that has arrived by now (on whichever writer it
    /// runs) and waits for its files.
    func finish(_ handles: [LiveRecordingHandle]) -> [RecordingResult] {
        for h in handles { h.endRequest.withLock { $0 = h.ring.writePosition } }
        for w in writers { w.wakeUp() }
        return WriterService.wait(for: handles)
    }

    /// Loop ticks per writer, for the watchdog.
    var ticks: [String: UInt64] {
        Dictionary(uniqueKeysWithValues: writers.map { ($0.name, $0.ticks.load(ordering: .relaxed)) })
    }
}
