/// Moves one recording's audio from its station's ring to its file: read at the
/// recording's own cursor, mix, write. Runs on a writer thread, never on the capture thread.
///
/// Frames the ring lost before this reader reached them (it fell a ring behind) are
/// written as silence, so the file's length keeps matching wall-clock time, and counted.
public final class RecordingPipeline {
    public let ring: HistoryRing
    public let mode: MixMode
    public let writer: any AudioFileWriter
    /// Stop after this many frames (nil: until finished).
    public let frameLimit: Int?
    /// Seconds between header / Info-tag refreshes and syncs.
    public var checkpointInterval: Double = 1.0
    /// Ring position at which the recording ends (the audio that had arrived when it was
    /// told to stop); nil while it runs.
    public var endPosition: UInt64?
    public private(set) var cursor: RingCursor
    public private(set) var framesLost: UInt64 = 0
    /// Peaks seen since the last `takePeaks()`.
    public private(set) var peaks = LegPeaks()
    private var lastCheckpoint: Double
    private static let chunkFrames = 4096
    private let pairs: UnsafeMutablePointer<Int16>
    private let silence: UnsafeMutablePointer<Int16>

    public init(ring: HistoryRing, cursor: RingCursor, mode: MixMode, writer: any AudioFileWriter,
                frameLimit: Int? = nil, now: Double = monotonicSeconds()) {
        precondition(writer.spec.channels == mode.outputChannels, "writer channels do not match the mix")
        self.ring = ring
        self.cursor = cursor
        self.mode = mode
        self.writer = writer
        self.frameLimit = frameLimit
        self.lastCheckpoint = now
        self.pairs = .allocate(capacity: 2 * Self.chunkFrames)
        self.silence = .allocate(capacity: 2 * Self.chunkFrames)
        self.silence.initialize(repeating: 0, count: 2 * Self.chunkFrames)
    }

    deinit {
        pairs.deallocate()
        silence.deallocate()
    }

    public var framesWritten: Int { writer.framesWritten }
    public var isComplete: Bool {
        if let frameLimit, writer.framesWritten >= frameLimit { return true }
        if let endPosition, cursor.position >= endPosition { return true }
        return false
    }

    /// Frames that may still be written before the limit or the end position.
    private var room: Int {
        var r = frameLimit.map { $0 - writer.framesWritten } ?? Int.max
        if let endPosition { r = min(r, endPosition > cursor.position ? Int(endPosition - cursor.position) : 0) }
        return r
    }

    /// Writes everything the ring holds for this recording (up to the frame limit) and
    /// refreshes the file's header when a checkpoint is due. Returns true once complete.
    @discardableResult
    public func pump(now: Double = monotonicSeconds()) throws(WriterError) -> Bool {
        while !isComplete {
            let room = self.room
            let got = ring.read(&cursor, into: pairs, maxFrames: min(Self.chunkFrames, room))
            if got.lost > 0 {
                framesLost += got.lost
                try writeSilence(frames: Int(min(got.lost, UInt64(room))))
            }
            if got.frames == 0 {
                if got.lost == 0 { break }
                continue
            }
            let n = min(got.frames, frameLimit.map { $0 - writer.framesWritten } ?? Int.max)
            guard n > 0 else { break }
            peaks.observe(pairs: pairs, frames: n)
            Mixer.mix(mode, pairs: pairs, frames: n, into: pairs)
            try writer.write(pairs, frames: n)
        }
        if now - lastCheckpoint >= checkpointInterval {
            try writer.checkpoint()
            lastCheckpoint = now
        }
        return isComplete
    }

    /// Writes silence in the recording's channel layout (gaps, paused time).
    public func writeSilence(frames: Int) throws(WriterError) {
        var left = frames
        while left > 0 {
            let n = min(left, Self.chunkFrames)
            try writer.write(silence, frames: n)
            left -= n
        }
    }

    public func takePeaks() -> LegPeaks {
        defer { peaks = LegPeaks() }
        return peaks
    }

    /// Writes what is left (up to the limit), completes and renames the file.
    public func finish() throws(WriterError) -> FinishedFile {
        try pump()
        return try writer.finish()
    }
}
