import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Logging
import Synchronization
import TapedeckAudio
import TapedeckDomain
import TapedeckFileCheck

/// A running recording in the audio engine. Its pipeline is touched by the writer
/// thread only; other threads read the atomics and ask for the finish.
final class LiveRecordingHandle: RecordingHandle, @unchecked Sendable {
    let plan: RecordingPlan
    let ring: HistoryRing
    let pipeline: RecordingPipeline
    private let frames = Atomic<Int>(0)
    /// The ring position the pipeline has read up to (updated after each pump), for the
    /// writer-lag and ring-fill metrics.
    let position: Atomic<UInt64>
    /// Set by `WriterService.finish`: the ring position the recording ends at.
    let endRequest = Mutex<UInt64?>(nil)
    let done = DispatchSemaphore(value: 0)
    /// Written by the writer thread before `done` is signalled.
    var result: FinishedRecording?
    /// The write error that ended the file early, if any (writer thread only).
    var failure: WriterError?
    /// The ring's write position and the monotonic time when the recording started: what
    /// tells whether its device delivered any audio while it ran.
    let startWritePosition: UInt64
    let startedAt: Double

    init(plan: RecordingPlan, ring: HistoryRing, pipeline: RecordingPipeline) {
        self.plan = plan
        self.ring = ring
        self.pipeline = pipeline
        self.position = Atomic(pipeline.cursor.position)
        self.startWritePosition = ring.writePosition
        self.startedAt = monotonicSeconds()
    }

    var secondsWritten: Double { Double(frames.load(ordering: .relaxed)) / Double(ring.sampleRate) }

    /// Applies from the audio arriving now: the ring's write position.
    func control(_ action: RecordingControlAction) {
        let c: RecordingControl = switch action {
        case .pause(let skip): .pause(skip: skip)
        case .resume: .resume
        case .mask: .mask
        case .unmask: .unmask
        }
        pipeline.controls.send(c, at: ring.writePosition)
    }

    func noteProgress() {
        frames.store(pipeline.framesWritten, ordering: .relaxed)
        position.store(pipeline.cursor.position, ordering: .relaxed)
    }
}

/// The thread that moves audio from the rings to the files: every 20 ms (or at once
/// when a recording is asked to finish) it pumps every running recording. Encoding and
/// file I/O happen here, never on a capture thread.
///
/// A recording asked to finish goes before the others, also when the request arrives in
/// the middle of a pass: a STOP waits for its own file, not for a pass over every other
/// recording, which takes long when the writer is catching up after a stall.
final class WriterService: @unchecked Sendable {
    private struct Inbox { var added: [LiveRecordingHandle] = []; var stopping = false }
    private let inbox = Mutex(Inbox())
    private let wake = DispatchSemaphore(value: 0)
    /// Set by `wakeUp` (a recording was asked to finish), cleared by the loop when it looks.
    private let finishAsked = Atomic<Bool>(false)
    private var active: [LiveRecordingHandle] = []
    /// The recordings added and not yet done, readable from any thread (metrics).
    private let live = Mutex<[ObjectIdentifier: LiveRecordingHandle]>([:])
    private var thread: Thread?
    private let exited = DispatchSemaphore(value: 0)
    private let logger: Logger
    /// Loop iterations so far: advances every 20 ms while the writer is alive, busy or not.
    let ticks = Atomic<UInt64>(0)
    static let interval = 0.02

    /// Told of every recording that ended by itself, once its files are final.
    var onAutoEnd: (@Sendable (LiveRecordingHandle, FinishedRecording) -> Void)?

    let name: String

    init(logger: Logger, name: String = "tapedeck-writer") {
        self.logger = logger
        self.name = name
    }

    func start() {
        let t = Thread { [self] in run() }
        t.name = name
        t.start()
        thread = t
    }

    func add(_ handle: LiveRecordingHandle) {
        live.withLock { $0[ObjectIdentifier(handle)] = handle }
        inbox.withLock { $0.added.append(handle) }
    }

    /// Each running recording's station and ring cursor position.
    func cursors() -> [(station: String, position: UInt64)] {
        live.withLock { $0.values.map { ($0.plan.station, $0.position.load(ordering: .relaxed)) } }
    }

    /// The rings running recordings read (a reload keeps feeding them until they end).
    func rings() -> [ObjectIdentifier] {
        live.withLock { $0.values.map { ObjectIdentifier($0.ring) } }
    }

    /// Running recordings on this writer.
    var load: Int { live.withLock { $0.count } }

    /// Makes the loop run now rather than at its next tick, recordings asked to finish first.
    func wakeUp() {
        finishAsked.store(true, ordering: .releasing)
        wake.signal()
    }

    /// Waits for each recording's final result (the results stay available).
    static func wait(for handles: [LiveRecordingHandle]) -> [FinishedRecording] {
        handles.map { h in
            h.done.wait()
            h.done.signal()   // the result stays available to any later waiter
            return h.result ?? FinishedRecording(path: h.plan.path, durationSeconds: 0, sizeBytes: 0, error: "no result")
        }
    }

    /// Stops the thread (after the recordings were finished).
    func stop() {
        inbox.withLock { $0.stopping = true }
        wake.signal()
        if thread != nil { exited.wait() }
    }

    private func run() {
        nameCurrentThread(name)
        while true {
            let (added, stopping) = inbox.withLock { box -> ([LiveRecordingHandle], Bool) in
                defer { box.added = [] }
                return (box.added, box.stopping)
            }
            active += added
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
        exited.signal()
    }

    /// Services the recordings asked to finish (ahead of the rest of the pass), including
    /// ones added since the pass began; returns `index` moved back by those removed before it.
    private func serviceFinishing(index: Int) -> Int {
        active += inbox.withLock { box -> [LiveRecordingHandle] in
            defer { box.added = [] }
            return box.added
        }
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
                logger.error("recording write failed", metadata: ["path": "\(h.plan.path)", "error": "\(error)"])
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

    private func finalise(_ h: LiveRecordingHandle) -> FinishedRecording {
        let p = h.pipeline
        let rate = Double(h.ring.sampleRate)
        let paused = Double(p.pausedFrames) / rate, masked = Double(p.maskedFrames) / rate
        let failure = h.failure
        // A write error ends the recording with cause disk_full (ENOSPC) or error.
        let cause = failure.map { $0.errno == .noSpace ? "disk_full" : "error" } ?? p.endedBy?.rawValue
        var files: [FinishedRecording] = []
        if failure == nil, let done = try? p.finishAll() {
            files = done.map { f in
                FinishedRecording(path: f.path, durationSeconds: f.durationSeconds, sizeBytes: Int64(f.sizeBytes),
                                  sha256: f.sha256)
            }
        } else {
            // Keep what was written up to the failure: finish each file if it still can be,
            // else close it as it is and repair it in place (header or Info tag from the
            // real length), then rename it to its final name.
            files = p.outputs.map { o in salvage(o.writer, rate: rate) }
        }
        var main = files[0]
        main.framesLost = p.framesLost
        main.error = failure?.description
        main.cause = cause
        main.pausedSeconds = paused
        main.maskedSeconds = masked
        main.legs = Array(files.dropFirst())
        return main
    }

    private func salvage(_ writer: any AudioFileWriter, rate: Double) -> FinishedRecording {
        let path = writer.path
        if let f = try? writer.finish() {
            // After a write error the writer's count may include samples that never
            // reached the file: the row gets the duration of what is in it.
            return FinishedRecording(path: f.path, durationSeconds: FileInspector.inspect(path: f.path).durationSeconds ?? f.durationSeconds,
                                     sizeBytes: Int64(f.sizeBytes), sha256: f.sha256)
        }
        writer.abandon()
        var problems: [String] = []
        var repair: FileRepairNote?
        if FileSystem.size(of: writer.partPath) != nil {
            // The log records the repair (and the file's hash before it), so
            // `tapedeck verify` tells this repair from tampering.
            repair = FileRepairNote(originalSHA256: try? FileDigest.sha256(path: writer.partPath))
            // Cut to the last whole frame and rewrite the header or Info tag in place:
            // no copy, so this works on the full disk that ended the recording.
            do {
                let outcome = try FileRepairer.repair(path: writer.partPath)
                if outcome.status == .refused, let refusal = outcome.refusal { problems.append(refusal) }
            } catch {
                problems.append("\(error)")
            }
            // The log row names the final path, so the file goes there whatever the repair did.
            do {
                try FileSystem.renameDurably(writer.partPath, to: path)
            } catch {
                problems.append("\(error)")
            }
        }
        let final = FileSystem.size(of: writer.partPath) == nil ? path : writer.partPath
        if !problems.isEmpty {
            logger.error("recording file not fully repaired", metadata: ["path": "\(final)", "error": "\(problems.joined(separator: "; "))"])
        }
        return FinishedRecording(path: final, durationSeconds: FileInspector.inspect(path: final).durationSeconds ?? 0,
                                 sizeBytes: Int64(FileSystem.size(of: final) ?? 0),
                                 sha256: try? FileDigest.sha256(path: final), repair: repair)
    }
}
