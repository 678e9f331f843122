import Foundation
import Testing
import TapedeckTestSupport
@testable import TapedeckAudio

/// A writer that keeps what it is given and counts header rewrites and syncs.
private final class CountingWriter: AudioFileWriter {
    let path = "/dev/null/counting"
    var partPath: String { path + ".part" }
    let spec = AudioFileSpec(format: .wav, sampleRate: 8000, channels: 1)
    private(set) var framesWritten = 0
    /// `framesWritten` at each header rewrite, and whether it was synced.
    private(set) var rewrites: [(frames: Int, synced: Bool)] = []

    func write(_ samples: UnsafePointer<Int16>, frames: Int) throws(WriterError) { framesWritten += frames }
    func refreshHeader() throws(WriterError) { rewrites.append((framesWritten, false)) }
    func checkpoint() throws(WriterError) { rewrites.append((framesWritten, true)) }
    func finish() throws(WriterError) -> FinishedFile {
        FinishedFile(path: path, frames: framesWritten, sampleRate: 8000, sizeBytes: 0)
    }
    func discard() {}
    func abandon() {}
}

/// Checkpoints (docs/recording.md): header rewritten and fsync'd every second of wall
/// time; a burst of audio also gets its header rewritten, without fsync, every second of audio.
@Suite struct CheckpointTests {
    /// Pushes `frames` frames of a ramp into `ring`.
    func feed(_ ring: HistoryRing, frames: Int, from start: Int = 0) {
        let samples = (0..<(2 * frames)).map { Int16(truncatingIfNeeded: (start + $0 / 2) &* 7) }
        samples.withUnsafeBufferPointer {
            ring.write(from: $0.baseAddress!, frames: frames, stride: 2, agent: 0, customer: 1)
        }
    }

    /// Ten seconds of audio handled at one instant (a writer catching up): a header
    /// rewrite per second of audio (at the first chunk boundary past it), none synced; the
    /// next wall second syncs once.
    @Test func aBurstRewritesTheHeaderPerSecondOfAudioAndSyncsPerSecondOfWallTime() throws {
        let ring = HistoryRing(seconds: 30, sampleRate: 8000)
        let writer = CountingWriter()
        let pipeline = RecordingPipeline(ring: ring, cursor: ring.cursor(), mode: .mono(average: false),
                                         writer: writer, now: 100)
        feed(ring, frames: 80_000)
        try pipeline.pump(now: 100.001)
        #expect(writer.framesWritten == 80_000)
        let burst = writer.rewrites.count
        #expect((9...10).contains(burst))
        #expect(!writer.rewrites.contains { $0.synced })
        // Each rewrite covers at least every whole second of audio before it.
        for (i, r) in writer.rewrites.enumerated() { #expect(r.frames >= (i + 1) * 8000) }
        try pipeline.pump(now: 100.5)
        #expect(writer.rewrites.count == burst)
        try pipeline.pump(now: 101.0)
        #expect(writer.rewrites.count == burst + 1)
        #expect(writer.rewrites.last?.synced == true && writer.rewrites.last?.frames == 80_000)
    }

    /// Audio in real time (a period per 20 ms tick, the daemon's writer): one synced
    /// checkpoint per second and no extra rewrite beside it.
    @Test func realTimeAudioGetsOneSyncedCheckpointPerSecond() throws {
        let ring = HistoryRing(seconds: 30, sampleRate: 8000)
        let writer = CountingWriter()
        let pipeline = RecordingPipeline(ring: ring, cursor: ring.cursor(), mode: .mono(average: false),
                                         writer: writer, now: 0)
        for tick in 1...500 {   // 10 s; the audio lags the clock by up to a period, as a device's does
            feed(ring, frames: 160, from: 160 * tick)
            try pipeline.pump(now: Double(tick) * 0.02 + (tick % 3 == 0 ? 0.015 : 0))
        }
        #expect(writer.rewrites.allSatisfy { $0.synced })
        #expect((9...10).contains(writer.rewrites.count))
    }

    /// Without `fsyncsAtCheckpoints` (tapedeckd: its SpoolSyncer syncs the file system)
    /// the checkpoints still rewrite the header once a second, and sync nothing.
    @Test func checkpointsLeftToTheSpoolSyncerRewriteWithoutSync() throws {
        let ring = HistoryRing(seconds: 30, sampleRate: 8000)
        let writer = CountingWriter()
        let pipeline = RecordingPipeline(ring: ring, cursor: ring.cursor(), mode: .mono(average: false),
                                         writer: writer, now: 0)
        pipeline.fsyncsAtCheckpoints = false
        for tick in 1...250 {   // 5 s
            feed(ring, frames: 160, from: 160 * tick)
            try pipeline.pump(now: Double(tick) * 0.02)
        }
        #expect((4...5).contains(writer.rewrites.count))
        #expect(!writer.rewrites.contains { $0.synced })
        for (i, r) in writer.rewrites.enumerated() { #expect(r.frames >= (i + 1) * 8000 - 160) }
    }

    /// What a SIGKILL leaves after a burst: a WAV whose header declares every whole second
    /// of audio written (the header is rewritten through the page cache, no fsync needed),
    /// with exactly those samples.
    @Test func aKilledBurstLeavesAWAVReadableToItsLastSecond() throws {
        let dir = try TestDirectory()
        let path = dir.file("burst.wav")
        let writer = try AudioFileWriters.make(AudioFileSpec(format: .wav, sampleRate: 8000, channels: 2), path: path)
        let ring = HistoryRing(seconds: 30, sampleRate: 8000)
        let pipeline = RecordingPipeline(ring: ring, cursor: ring.cursor(), mode: .stereo(swapped: false),
                                         writer: writer, now: 50)
        feed(ring, frames: 8000 * 5 / 2)   // 2.5 s
        try pipeline.pump(now: 50)          // no wall time passed: no checkpoint, burst rewrites only
        let live = try WAVContents(path: path + ".part")
        let declaredFrames = Int(live.declaredDataSize) / 4
        #expect(declaredFrames >= 16_000 && declaredFrames <= 20_000)
        #expect(live.availableDataBytes == 20_000 * 4)
        let expected = (0..<(2 * declaredFrames)).map { Int16(truncatingIfNeeded: ($0 / 2) &* 7) }
        #expect(live.samples == expected)
        writer.discard()
    }
    /// An MP3 writer takes its audio two MP3 frames at a time in real time (1,152 frames
    /// at 8 kHz): a period less waits in the ring; a STOP (an end position) or the
    /// finish writes what is left, so nothing of the end is lost.
    @Test func anMP3RecordingIsFedInBatchesAndDrainedAtItsEnd() throws {
        let dir = try TestDirectory()
        let writer = try AudioFileWriters.make(AudioFileSpec(format: .mp3, sampleRate: 8000, channels: 1),
                                               path: dir.file("batch.mp3"))
        #expect(writer.batchFrames == 1152)
        let wav = try AudioFileWriters.make(AudioFileSpec(format: .wav, sampleRate: 8000, channels: 1),
                                            path: dir.file("any.wav"))
        #expect(wav.batchFrames == 0)
        wav.discard()
        let ring = HistoryRing(seconds: 30, sampleRate: 8000)
        let pipeline = RecordingPipeline(ring: ring, cursor: ring.cursor(), mode: .mono(average: false),
                                         writer: writer, now: 0)
        for tick in 1...7 {   // 1,120 frames: under a batch
            feed(ring, frames: 160, from: 160 * (tick - 1))
            try pipeline.pump(now: Double(tick) * 0.02)
            #expect(pipeline.framesWritten == 0)
        }
        feed(ring, frames: 160, from: 1120)
        try pipeline.pump(now: 0.16)
        #expect(pipeline.framesWritten == 1280)
        feed(ring, frames: 160, from: 1280)
        try pipeline.pump(now: 0.18)
        #expect(pipeline.framesWritten == 1280)
        pipeline.endPosition = ring.writePosition
        #expect(try pipeline.pump(now: 0.2))
        #expect(pipeline.framesWritten == 1440)
        feed(ring, frames: 160, from: 1440)   // after the end: not part of the recording
        let file = try pipeline.finish()
        #expect(file.frames == 1440)
    }

    /// Without an end position, the finish drains what waits in the ring too
    /// (`tapedeck record` stopped by Ctrl-C).
    @Test func finishingAnMP3RecordingWritesTheLastPartialBatch() throws {
        let dir = try TestDirectory()
        let writer = try AudioFileWriters.make(AudioFileSpec(format: .mp3, sampleRate: 8000, channels: 1),
                                               path: dir.file("tail.mp3"))
        let ring = HistoryRing(seconds: 30, sampleRate: 8000)
        let pipeline = RecordingPipeline(ring: ring, cursor: ring.cursor(), mode: .mono(average: false),
                                         writer: writer, now: 0)
        feed(ring, frames: 1000)
        try pipeline.pump(now: 0.02)
        #expect(pipeline.framesWritten == 0)
        #expect(try pipeline.finish().frames == 1000)
    }
}
