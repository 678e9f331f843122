import TapedeckSystem
/// Hears DTMF keys on one leg (the customer's).
public protocol KeyListener: AnyObject {
    /// Feeds `count` samples (every `stride`-th from `samples`), the first at ring position
    /// `position`. Returns a key heard, with the ring position where its tone began.
    func listen(_ samples: UnsafePointer<Int16>, stride: Int, count: Int, position: UInt64) -> (key: Character, toneStart: UInt64)?
    /// Forgets partial tones (after a paused or masked span).
    func reset()
}

/// Hears silence on both legs.
public protocol SilenceListener: AnyObject {
    /// Feeds frame pairs, the first at ring position `position`. Returns the position at
    /// which both legs had been silent for the required time.
    func listen(pairs: UnsafePointer<Int16>, count: Int, position: UInt64) -> UInt64?
    func reset()
}

/// One file of a recording: how the legs are mixed into it, and its writer.
public struct PipelineOutput {
    public let mode: MixMode
    public let writer: any AudioFileWriter
    public init(mode: MixMode, writer: any AudioFileWriter) {
        precondition(writer.spec.channels == mode.outputChannels, "writer channels do not match the mix")
        self.mode = mode
        self.writer = writer
    }
}

/// Moves one recording's audio from its station's ring to its file(s): read at the
/// recording's own cursor, apply pause and mask, listen for the end conditions, mix,
/// write. Runs on a writer thread, never on the capture thread.
///
/// Frames the ring lost before this reader reached them (it fell a ring behind) are
/// written as silence, so the file's length keeps matching wall-clock time, and counted.
public final class RecordingPipeline {
    public let ring: HistoryRing
    public let outputs: [PipelineOutput]
    /// Stop after this many frames of file timeline (nil: until finished).
    public let frameLimit: Int?
    public let rules: RecordingRules
    public let controls: RecordingControls
    /// Seconds of wall time between checkpoints: every file's header or Info tag
    /// rewritten and (with `fsyncsAtCheckpoints`) fsync'd. A burst of audio (faster than
    /// real time: a writer catching up, the offline benchmark) also gets its headers
    /// rewritten, without fsync, every this many seconds of audio. See docs/recording.md,
    /// "Checkpoints".
    public var checkpointInterval: Double = 1.0
    /// Whether a checkpoint fsyncs each file. Off in tapedeckd, whose `SpoolSyncer` syncs
    /// the spool's file system once an interval instead of every file every second.
    public var fsyncsAtCheckpoints = true
    /// Ring position at which the recording ends (the audio that had arrived when it was
    /// told to stop); nil while it runs.
    public var endPosition: UInt64?
    public private(set) var cursor: RingCursor
    /// The largest batch any output's writer asks for (`AudioFileWriter.batchFrames`).
    public let batchFrames: Int
    public private(set) var framesLost: UInt64 = 0
    /// Frames put on the file's timeline (audio, silence for paused or masked time, gaps).
    public private(set) var timelineFrames = 0
    /// Frames of unpaused audio (what `timeout` counts).
    public private(set) var activeFrames = 0
    public private(set) var pausedFrames = 0
    public private(set) var maskedFrames = 0
    /// Set when the recording ended by itself.
    public private(set) var endedBy: RecordingEndCause?
    /// Whether to keep `peaks` (for a level meter); off by default: the daemon shows none.
    public var measuresPeaks = false
    /// Peaks seen since the last `takePeaks()` (while `measuresPeaks` is on).
    public private(set) var peaks = LegPeaks()

    /// While paused: whether paused time is skipped (else written as silence).
    private var paused: Bool?
    private var masked = false
    private let keyListener: KeyListener?
    private let silenceListener: SilenceListener?
    private let delays: [DelayLine]
    /// Wall time of the last checkpoint (fsync).
    private var lastCheckpoint: Double
    /// Wall time and timeline of the last header rewrite (a checkpoint's or a burst's).
    private var lastHeader: Double
    private var timelineAtHeader = 0
    private static let chunkFrames = 4096
    private let pairs: UnsafeMutablePointer<Int16>
    private let mixed: UnsafeMutablePointer<Int16>
    private let zeros: UnsafeMutablePointer<Int16>

    public convenience init(ring: HistoryRing, cursor: RingCursor, mode: MixMode, writer: any AudioFileWriter,
                            frameLimit: Int? = nil, now: Double = monotonicSeconds()) {
        self.init(ring: ring, cursor: cursor, outputs: [PipelineOutput(mode: mode, writer: writer)],
                  frameLimit: frameLimit, now: now)
    }

    /// `holdbackSeconds` of output are kept back from the files while a key listener runs,
    /// so the key's tone can be cut from the end.
    public init(ring: HistoryRing, cursor: RingCursor, outputs: [PipelineOutput], frameLimit: Int? = nil,
                rules: RecordingRules = RecordingRules(), controls: RecordingControls = RecordingControls(),
                keyListener: KeyListener? = nil, silenceListener: SilenceListener? = nil,
                holdbackSeconds: Double = 0.5, now: Double = monotonicSeconds()) {
        precondition(!outputs.isEmpty, "a recording writes at least one file")
        self.ring = ring
        self.cursor = cursor
        self.outputs = outputs
        self.batchFrames = outputs.map(\.writer.batchFrames).max() ?? 0
        self.frameLimit = frameLimit
        self.rules = rules
        self.controls = controls
        self.keyListener = keyListener
        self.silenceListener = silenceListener
        let holdback = keyListener == nil ? 0 : Int(holdbackSeconds * Double(ring.sampleRate))
        self.delays = outputs.map { DelayLine(channels: $0.mode.outputChannels, capacity: holdback) }
        self.lastCheckpoint = now
        self.lastHeader = now
        self.pairs = .allocate(capacity: 2 * Self.chunkFrames)
        self.mixed = .allocate(capacity: 2 * Self.chunkFrames)
        self.zeros = .allocate(capacity: 2 * Self.chunkFrames)
        self.zeros.initialize(repeating: 0, count: 2 * Self.chunkFrames)
    }

    deinit {
        pairs.deallocate()
        mixed.deallocate()
        zeros.deallocate()
    }

    /// The first output's writer (the recording's main file).
    public var writer: any AudioFileWriter { outputs[0].writer }
    public var framesWritten: Int { outputs[0].writer.framesWritten }
    public var isPaused: Bool { paused != nil }
    public var isMasked: Bool { masked }

    public var isComplete: Bool {
        if endedBy != nil { return true }
        if let frameLimit, timelineFrames >= frameLimit { return true }
        if let endPosition, cursor.position >= endPosition { return true }
        return false
    }

    /// Positions that may still be read before the limit or the end position.
    private var room: Int {
        var r = frameLimit.map { $0 - timelineFrames } ?? Int.max
        if let endPosition { r = min(r, endPosition > cursor.position ? Int(endPosition - cursor.position) : 0) }
        return r
    }

    /// Writes everything the ring holds for this recording (up to its end) and refreshes
    /// the files' headers when a checkpoint is due. Returns true once complete. Less
    /// than a batch (`batchFrames`) waits in the ring for a later pump, unless the
    /// recording has an end position or `drain` is set.
    @discardableResult
    public func pump(now: Double = monotonicSeconds(), drain: Bool = false) throws(WriterError) -> Bool {
        let waitsForBatch = !drain && endPosition == nil && batchFrames > 0
            && ring.writePosition &- cursor.position < UInt64(min(batchFrames, room))
        while !waitsForBatch && !isComplete {
            let got = ring.read(&cursor, into: pairs, maxFrames: min(Self.chunkFrames, room))
            if got.frames == 0 && got.lost == 0 { break }
            let first = cursor.position - UInt64(got.frames)
            if got.lost > 0 {
                framesLost += got.lost
                let allowed = frameLimit.map { max(0, $0 - timelineFrames) } ?? Int.max
                try gap(frames: Int(min(got.lost, UInt64(allowed))), position: first - got.lost)
            }
            try process(frames: got.frames, position: first)
            if burstHeaderDue(now: now) { try rewriteHeaders(now: now, sync: false) }
        }
        if now - lastCheckpoint >= checkpointInterval { try rewriteHeaders(now: now, sync: true) }
        return isComplete
    }

    /// Whether audio is arriving faster than real time and a second of it (`checkpointInterval`)
    /// went by since the headers were last rewritten. In real time the audio since then
    /// is about the wall time since then, and the checkpoints (by wall time) keep the
    /// headers current alone: the half-interval margin keeps a period's jitter from adding
    /// a second rewrite next to each checkpoint.
    private func burstHeaderDue(now: Double) -> Bool {
        let audio = Double(timelineFrames - timelineAtHeader) / Double(ring.sampleRate)
        return audio >= max(checkpointInterval, now - lastHeader + checkpointInterval / 2)
    }

    /// Rewrites every file's header or Info tag (readable up to here after a SIGKILL) and,
    /// with `sync` and `fsyncsAtCheckpoints`, fsyncs it (up to here after a power cut
    /// too): a checkpoint.
    private func rewriteHeaders(now: Double, sync: Bool) throws(WriterError) {
        for o in outputs {
            if sync && fsyncsAtCheckpoints { try o.writer.checkpoint() } else { try o.writer.refreshHeader() }
        }
        if sync { lastCheckpoint = now }
        lastHeader = now
        timelineAtHeader = timelineFrames
    }

    // MARK: Processing

    /// Frames the ring lost: silence on the timeline (or nothing while paused with skip).
    private func gap(frames: Int, position: UInt64) throws(WriterError) {
        silenceListener?.reset()
        keyListener?.reset()
        if paused == true { pausedFrames += frames; return }
        try writeSilence(frames: frames, position: position)
        if paused != nil { pausedFrames += frames } else { activeFrames += frames }
    }

    /// Splits `frames` at the controls that fall inside them and handles each span.
    private func process(frames: Int, position: UInt64) throws(WriterError) {
        var done = 0
        while done < frames && endedBy == nil {
            let here = position + UInt64(done)
            if let c = controls.next(atOrBefore: here) { apply(c.control); continue }
            var span = frames - done
            if let c = controls.next(atOrBefore: here + UInt64(span) - 1) {
                span = Int(c.position - here)
                controls.send(c.control, at: c.position)   // back in the queue: applied at its position
            }
            try handle(offset: done, count: span, position: here)
            done += span
        }
    }

    private func apply(_ control: RecordingControl) {
        switch control {
        case .pause(let skip): paused = skip
        case .resume: paused = nil
        case .mask: masked = true
        case .unmask: masked = false
        }
        // Detection ignores paused and masked spans: what came before does not join what follows.
        silenceListener?.reset()
        keyListener?.reset()
    }

    /// One span in one state: `count` pairs at `pairs + 2·offset`, the first at `position`.
    private func handle(offset: Int, count: Int, position: UInt64) throws(WriterError) {
        let source = pairs + 2 * offset
        if let skip = paused {
            pausedFrames += count
            if !skip { try writeSilence(frames: count, position: position) }
            return
        }
        var n = count
        if let limit = rules.timeoutFrames, activeFrames + n >= limit {
            n = limit - activeFrames
            endedBy = .timeout
        }
        if masked {
            maskedFrames += n
            activeFrames += n
            try writeSilence(frames: n, position: position)
            return
        }
        if let silence = silenceListener, let at = silence.listen(pairs: source, count: n, position: position) {
            // The trailing silence stays in the file: write up to the point it was reached.
            n = at <= position ? 0 : Int(min(at - position, UInt64(n)))
            endedBy = .silence
        }
        var keyCut: UInt64?
        if let keys = keyListener, let heard = keys.listen(source + 1, stride: 2, count: n, position: position),
           heard.key == rules.endOnKey {
            keyCut = heard.toneStart
            endedBy = .key
        }
        if measuresPeaks { peaks.observe(pairs: source, frames: n) }
        try writeMixed(source, frames: n, position: position)
        activeFrames += n
        if let keyCut {
            // Cut the tone: what is still held back from its start on is dropped.
            var dropped = 0
            for (o, d) in zip(outputs, delays) { dropped = try d.cut(at: keyCut, to: o.writer) }
            timelineFrames -= dropped
        }
    }

    private func writeMixed(_ source: UnsafePointer<Int16>, frames n: Int, position: UInt64) throws(WriterError) {
        guard n > 0 else { return }
        for (o, d) in zip(outputs, delays) {
            Mixer.mix(o.mode, pairs: source, frames: n, into: mixed)
            try d.push(mixed, count: n, position: position, to: o.writer)
        }
        timelineFrames += n
    }

    /// Silence on every output's timeline (gaps, paused time kept, masked audio).
    public func writeSilence(frames: Int, position: UInt64) throws(WriterError) {
        var left = frames, at = position
        while left > 0 {
            let n = min(left, Self.chunkFrames)
            for (o, d) in zip(outputs, delays) { try d.push(zeros, count: n, position: at, to: o.writer) }
            timelineFrames += n
            left -= n
            at += UInt64(n)
        }
    }

    public func takePeaks() -> LegPeaks {
        defer { peaks = LegPeaks() }
        return peaks
    }

    /// Writes what is left (up to the end), releases what is held back, completes and
    /// renames every file. Returns them in output order.
    public func finishAll() throws(WriterError) -> [FinishedFile] {
        try pump(drain: true)
        for (o, d) in zip(outputs, delays) { try d.flush(to: o.writer) }
        var files: [FinishedFile] = []
        for o in outputs { files.append(try o.writer.finish()) }
        return files
    }

    /// Completes the recording's files and returns the main one.
    public func finish() throws(WriterError) -> FinishedFile {
        try finishAll()[0]
    }
}
