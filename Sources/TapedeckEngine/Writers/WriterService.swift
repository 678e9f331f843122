import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Logging
import Synchronization
import TapedeckAudio
import TapedeckLifecycle

/// The thread that moves audio from the rings to the files: every 20 ms (or at once
/// when a recording is asked to finish) it pumps every running recording. Encoding and
/// file I/O happen here, never on a capture thread.
///
/// A recording asked to finish goes before the others, also when the request arrives in
/// the middle of a pass: a STOP waits for its own file, not for a pass over every other
/// recording, which takes long when the writer is catching up after a stall.
final class WriterService: @unchecked Sendable {
    private let inbox = Mutex<[LiveRecordingHandle]>([])
    private let wake = DispatchSemaphore(value: 0)
    /// Set by `wakeUp` (a recording was asked to finish), cleared by the loop when it looks.
    private let finishAsked = Atomic<Bool>(false)
    private var active: [LiveRecordingHandle] = []
    /// The recordings added and not yet done, readable from any thread (metrics).
    private let live = Mutex<[ObjectIdentifier: LiveRecordingHandle]>([:])
    private let thread: StoppableThread
    let logger: Logger
    /// Loop iterations so far: advances every 20 ms while the writer is alive, busy or not.
    let ticks = Atomic<UInt64>(0)
    static let interval = 0.02

    /// Told of every recording that ended by itself, once its files are final.
    var onAutoEnd: (@Sendable (LiveRecordingHandle, RecordingResult) -> Void)?

    let name: String

    init(logger: Logger, name: String = "tapedeck-writer") {
        self.logger = logger
        self.name = name
        self.thread = StoppableThread(name: name)
    }

    func start() { thread.start { [self] in run() } }

    func add(_ handle: LiveRecordingHandle) {
        live.withLock { $0[ObjectIdentifier(handle)] = handle }
        inbox.withLock { $0.append(handle) }
    }

    /// Each running recording's station and ring cursor position.
    func cursors() -> [(station: String, position: UInt64)] {
        live.withLock { $0.values.map { ($0.request.station, $0.position.load(ordering: .relaxed)) } }
    }

    /// The rings running recordings read (a reload keeps feeding them until they end).
    func rings() -> [ObjectIdentifier] {
        live.withLock { $0.values.map { ObjectIdentifier($0.ring) } }
    }

    /// The directories of the running recordings' files.
    func directories() -> [String] {
        live.withLock { $0.values.flatMap(\.directories) }
    }

    /// Running recordings on this writer.
    var load: Int { live.withLock { $0.count } }

    /// Makes the loop run now rather than at its next tick, recordings asked to finish first.
    func wakeUp() {
        finishAsked.store(true, ordering: .releasing)
        wake.signal()
    }

    /// Waits for each recording's final result (the results stay available).
    static func wait(for handles: [LiveRecordingHandle]) -> [RecordingResult] {
        handles.map { h in
            h.done.wait()
            h.done.signal()   // the result stays available to any later waiter
            return h.result ?? RecordingResult(path: h.request.path, durationSeconds: 0, sizeBytes: 0, error: "no result")
        }
    }

    /// Stops the thread (after the recordings were finished).
    func stop() { thread.stop { wake.signal() } }

    private func run() {
        nameCurrentThread(name)
        while true {
            // Read before the inbox: every recording added before `stop` is in it.
            let stopping = thread.isStopping
            active += takeAdded()
            finishAsked.store(false, ordering: .relaxed)
            _ = serviceFinishing(index: 0)
            var i = 0
            while i < active.count {
                if service(active[i]) {
                    drop(at: i)
                } else {
                    i += 1
                }
                if finishAsked.exchange(false, ordering: .acquiring) { i = serviceFinishing(index: i) }
            }
            ticks.add(1, ordering: .relaxed)
            if stopping && active.isEmpty { break }
            _ = wake.wait(timeout: .now() + Self.interval)
        }
    }

    private func takeAdded() -> [LiveRecordingHandle] {
        inbox.withLock { box in
            defer { box = [] }
            return box
        }
    }

    /// Services the recordings asked to finish (ahead of the rest of the pass), including
    /// ones added since the pass began; returns `index` moved back by those removed before it.
    private func serviceFinishing(index: Int) -> Int {
        active += takeAdded()
        var index = index, j = 0
        while j < active.count {
            if active[j].endRequest.withLock({ $0 }) != nil, service(active[j]) {
                drop(at: j)
                if j < index { index -= 1 }
            } else {
                j += 1
            }
        }
        return index
    }

    private func drop(at i: Int) {
        let done = active.remove(at: i)
        _ = live.withLock { $0.removeValue(forKey: ObjectIdentifier(done)) }
    }

    /// Pumps one recording; finishes it when asked and it has caught up. Returns true when done.
    private func service(_ h: LiveRecordingHandle) -> Bool {
        let end = h.endRequest.withLock { $0 }
        if h.failure == nil {
            if let end, h.pipeline.endPosition == nil { h.pipeline.endPosition = end }
            do {
                try h.pipeline.pump()
            } catch {
                h.failure = error
                logger.error("recording write failed", metadata: ["path": "\(h.request.path)", "error": "\(error)"])
            }
            h.noteProgress()
        }
        let ended = h.pipeline.endedBy != nil || h.failure != nil
        guard ended || (end != nil && h.pipeline.isComplete) else { return false }
        let result = finalise(h)
        h.result = result
        h.done.signal()
        if end == nil { onAutoEnd?(h, result) }
        return true
    }
}
