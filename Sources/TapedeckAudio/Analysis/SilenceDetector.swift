#if canImport(Glibc)
import Glibc
#endif

/// Both legs quiet for the required time.
public struct SilenceEvent: Sendable, Equatable {
    /// Frame position where the silence began: just after the last sample of the last
    /// loud block that reached the threshold's RMS amplitude (within that block's 50 ms;
    /// for a tone that stops, within a quarter of its period).
    public let start: UInt64
    /// Frame position at which the silence had lasted `requiredSeconds`: the end of the
    /// first 50 ms block that completed it (at most one block after start + required).
    public let detectedAt: UInt64

    public init(start: UInt64, detectedAt: UInt64) {
        self.start = start
        self.detectedAt = detectedAt
    }
}

/// Streaming "silence on both legs" detector for agent/customer frame pairs, pure Swift,
/// no allocation.
///
/// The pairs are cut into 50 ms blocks; a block is silent when the RMS level of *each* leg
/// is below `thresholdDBFS` (RMS in dBFS as AES17 defines it: a full-scale sine reads
/// 0 dBFS, so a sine whose peak is at −45 dBFS reads −45 dBFS). Consecutive silent blocks
/// form a run; the run's start is refined to the sample after the last one at or above
/// the threshold's RMS amplitude in the loud block before it. One event per run, once it
/// has lasted `requiredSeconds`.
///
/// Paused or masked audio: do not feed it. A `startPosition` that does not continue the
/// previous call resets the detector (as `reset()` does), so silence has to last
/// `requiredSeconds` within fed audio, without a gap.
public struct SilenceDetector: Sendable {
    public let sampleRate: Int
    public let thresholdDBFS: Double
    public let requiredSeconds: Double
    /// Frames per block (50 ms).
    public let blockFrames: Int
    public let requiredFrames: UInt64
    /// Block sum of squares (per leg, Int16 units) below which a block is silent.
    private let silentBlockSum: Double
    /// |sample| at or above this is loud (the threshold's RMS amplitude: every loud block
    /// holds at least one such sample).
    private let loudAmplitude: Int

    private var nextPosition: UInt64?
    private var blockStart: UInt64 = 0
    private var blockFill = 0
    private var sumAgent: Int64 = 0
    private var sumCustomer: Int64 = 0
    private var lastLoud: UInt64?
    private var previousBlockLoud = false
    private var previousBlockStart: UInt64 = 0
    private var lastLoudBeforeBlock: UInt64?
    /// Start of the current silent run, nil when the last block was loud.
    public private(set) var silenceStart: UInt64?
    private var reported = false

    public init(sampleRate: Int, thresholdDBFS: Double = -45, requiredSeconds: Double) {
        precondition(sampleRate > 0 && requiredSeconds > 0 && thresholdDBFS < 0)
        self.sampleRate = sampleRate
        self.thresholdDBFS = thresholdDBFS
        self.requiredSeconds = requiredSeconds
        blockFrames = max(1, Int((Double(sampleRate) / 20).rounded()))
        requiredFrames = UInt64((requiredSeconds * Double(sampleRate)).rounded())
        // AES17: level = 10·log10(2·meanSquare / 32768²).
        let meanSquare = 32768.0 * 32768.0 * pow(10, thresholdDBFS / 10) / 2
        silentBlockSum = meanSquare * Double(blockFrames)
        loudAmplitude = Int(sqrt(meanSquare).rounded(.down))
    }

    /// Forgets the current block and run: what comes next must be silent for the full
    /// `requiredSeconds`. Called by itself when the positions fed jump.
    public mutating func reset() {
        nextPosition = nil
        blockFill = 0
        sumAgent = 0
        sumCustomer = 0
        lastLoud = nil
        previousBlockLoud = false
        lastLoudBeforeBlock = nil
        silenceStart = nil
        reported = false
    }

    /// Feeds `frames` agent/customer pairs (`pairs[2i]` agent, `pairs[2i+1]` customer), the
    /// first at absolute frame `startPosition`. Returns the event when the silence reaches
    /// `requiredSeconds` within these frames (at most one per silent run).
    public mutating func process(pairs: UnsafePointer<Int16>, frames: Int, startPosition: UInt64) -> SilenceEvent? {
        if nextPosition != startPosition { reset() }
        if blockFill == 0 {
            blockStart = startPosition
            lastLoudBeforeBlock = lastLoud
        }
        nextPosition = startPosition &+ UInt64(frames)
        var event: SilenceEvent?
        let loud = loudAmplitude
        for i in 0..<frames {
            let a = Int(pairs[2 * i]), c = Int(pairs[2 * i + 1])
            sumAgent += Int64(a * a)
            sumCustomer += Int64(c * c)
            if abs(a) >= loud || abs(c) >= loud { lastLoud = startPosition + UInt64(i) }
            blockFill += 1
            if blockFill == blockFrames {
                if let e = endBlock(), event == nil { event = e }
                blockStart += UInt64(blockFrames)
                blockFill = 0
                sumAgent = 0
                sumCustomer = 0
                lastLoudBeforeBlock = lastLoud
            }
        }
        return event
    }

    private mutating func endBlock() -> SilenceEvent? {
        let silent = Double(sumAgent) < silentBlockSum && Double(sumCustomer) < silentBlockSum
        defer {
            previousBlockLoud = !silent
            previousBlockStart = blockStart
        }
        guard silent else {
            silenceStart = nil
            reported = false
            return nil
        }
        if silenceStart == nil {
            var start = blockStart
            if previousBlockLoud, let last = lastLoudBeforeBlock, last >= previousBlockStart {
                start = min(blockStart, last + 1)
            }
            silenceStart = start
        }
        let end = blockStart + UInt64(blockFrames)
        guard !reported, let start = silenceStart, end - start >= requiredFrames else { return nil }
        reported = true
        return SilenceEvent(start: start, detectedAt: end)
    }
}
