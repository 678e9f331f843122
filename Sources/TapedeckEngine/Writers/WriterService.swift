import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Logging
import Synchronization
import TapedeckAudio
import TapedeckLifecycle
import TapedeckSystem

/// The thread that moves audio from the rings to the files: every tick (or at once when
/// a recording is asked to finish, or a new one arrives at an idle writer) it pumps
/// every running recording. Encoding and file I/O happen here, never on a capture thread.
///
/// The tick follows what its recordings need (`tick(for:)`): 20 ms while any writes
/// every period (WAV), half a batch while all hand their encoder batches (MP3: 72 ms at
/// 8 kHz), a quarter of a second while it has none. A writer woken every 20 ms for
/// recordings that take audio every 144 ms only wakes a vCPU for nothing. A new
/// recording wakes a writer asleep with none; a busy one picks it up at its next tick
/// (its start is the ring position taken at START, so no audio waits on that), because
/// a pass per START in a storm of a thousand is CPU the STARTs themselves need.
///
/// Writers run at nice +5 (`niceSteps`): longer, rarer passes are cheaper for LAME but
/// would otherwise hold both cores for tens of milliseconds at a time, and a START or
/// STATUS arriving then waited behind them. Encoding yields to the control socket (and
/// the capture threads are real-time anyway); what it defers waits in the ring.
///
/// A recording asked to finish goes before the others, also when the request arrives in
/// the middle of a pass: a STOP waits for its own file, not for a pass over every other
/// recording, which takes long when the writer is catching up after a stall.
final class WriterService: @unchecked Sendable {
    private let inbox = Mutex<[LiveRecordingHandle]>([])
    private let wake = DispatchSemaphore(value: 0)
    /// Whether `wake` was signalled since the loop last woke: a storm of STARTs or STOPs
    /// signals it once, not once per request (each signal would be one more pass).
    private let signalled = Atomic<Bool>(false)
    /// Set by the loop before it sleeps with no recordings: `add` wakes it then.
    private let idle = Atomic<Bool>(false)
    /// Set by `wakeUp` (a recording was asked to finish), cleared by the loop when it looks.
    private let finishAsked = Atomic<Bool>(false)
    private var active: [LiveRecordingHandle] = []
    /// The recordings added and not yet done, readable from any thread (metrics).
    private let live = Mutex<[ObjectIdentifier: LiveRecordingHandle]>([:])
    private let thread: StoppableThread
    let logger: Logger
    /// Loop iterations so far: advances every tick (at most `idleInterval`) while the
    /// writer is alive, busy or not.
    let ticks = Atomic<UInt64>(0)
    /// The shortest tick: a capture period at the default 20 ms.
    static let interval = 0.02
    /// How far below ordinary threads a writer runs (its nice value above theirs).
    static let niceSteps: Int32 = 5
    /// The tick with no recordings (`add` wakes the loop, so a START does not wait for it).
    let idleInterval: Double

    /// Told of every recording that ended by itself, once its files are final.
    var onAutoEnd: (@Sendable (LiveRecordingHandle, RecordingResult) -> Void)?

    let name: String

    init(logger: Logger, name: String = "tapedeck-writer", idleInterval: Double = 0.25) {
        self.logger = logger
        self.name = name
        self.idleInterval = idleInterval
        self.thread = StoppableThread(name: name)
    }

    func start() { thread.start { [self] in run() } }

    func add(_ handle: LiveRecordingHandle) {
        live.withLock { $0[ObjectIdentifier(handle)] = handle }
        inbox.withLock { $0.append(handle) }
        if idle.load(ordering: .acquiring) { poke() }
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
        poke()
    }

    private func poke() {
        if !signalled.exchange(true, ordering: .acquiringAndReleasing) { wake.signal() }
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
        if let refused = ThreadPriority.yieldCurrent(by: Self.niceSteps) {
            logger.warning("writer runs at the ordinary priority", metadata: ["thread": "\(name)", "error": "\(refused)"])
        }
        while true {
            signalled.store(false, ordering: .releasing)
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
            idle.store(active.isEmpty, ordering: .releasing)
            ticks.add(1, ordering: .relaxed)
            if stopping && active.isEmpty { break }
            _ = wake.wait(timeout: .now() + Self.tick(for: active.lazy.map(\.pipeline), idle: idleInterval))
        }
    }

    /// How long the loop may sleep without delaying any of `pipelines`: half the shortest
    /// batch among them (a recording that just missed its batch waits half a batch more,
    /// not a whole one), `interval` when one takes every period (no batch) or the batch is
    /// shorter than that, `idle` when there are none.
    static func tick<S: Sequence<RecordingPipeline>>(for pipelines: S, idle: Double) -> Double {
        var shortest = Double.infinity
        for p in pipelines {
            shortest = min(shortest, Double(p.batchFrames) / Double(p.ring.sampleRate) / 2)
        }
        return shortest == .infinity ? idle : max(interval, shortest)
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
