import Dispatch
import Synchronization
import TapedeckAudio
import TapedeckSystem

/// A running recording in the audio engine. Its pipeline is touched by the writer
/// thread only; other threads read the atomics and ask for the finish.
public final class LiveRecordingHandle: @unchecked Sendable {
    /// What it records, as the request said.
    public let request: RecordingRequest
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
    var result: RecordingResult?
    /// The write error that ended the file early, if any (writer thread only).
    var failure: WriterError?
    /// The ring's write position and the monotonic time when the recording started: what
    /// tells whether its device delivered any audio while it ran.
    let startWritePosition: UInt64
    let startedAt: Double
    /// The directories its files are written in (for the `SpoolSyncer`).
    let directories: [String]

    init(request: RecordingRequest, ring: HistoryRing, pipeline: RecordingPipeline) {
        self.request = request
        self.ring = ring
        self.pipeline = pipeline
        self.position = Atomic(pipeline.cursor.position)
        self.startWritePosition = ring.writePosition
        self.startedAt = monotonicSeconds()
        self.directories = pipeline.outputs.map { FileSystem.folder(of: $0.writer.partPath) }
    }

    /// Seconds of audio written so far.
    public var secondsWritten: Double { Double(frames.load(ordering: .relaxed)) / Double(ring.sampleRate) }

    /// Pauses, resumes, masks or unmasks from the audio arriving now: the ring's write position.
    public func control(_ control: RecordingControl) {
        pipeline.controls.send(control, at: ring.writePosition)
    }

    func noteProgress() {
        frames.store(pipeline.framesWritten, ordering: .relaxed)
        position.store(pipeline.cursor.position, ordering: .relaxed)
    }
}
