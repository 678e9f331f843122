/// The pipeline's key listener: DTMF on the customer leg.
public final class DTMFKeyListener: KeyListener {
    private let detector: DTMFDetector

    public init(sampleRate: Int) { detector = DTMFDetector(sampleRate: sampleRate) }

    public func listen(_ samples: UnsafePointer<Int16>, stride: Int, count: Int, position: UInt64) -> (key: Character, toneStart: UInt64)? {
        detector.process(samples, stride: stride, count: count, startPosition: position).map { ($0.key, $0.start) }
    }

    public func reset() { detector.reset() }
}

/// The pipeline's silence listener: both legs below a threshold for a time.
public final class BothLegsSilenceListener: SilenceListener {
    private var detector: SilenceDetector

    public init(sampleRate: Int, thresholdDBFS: Double, seconds: Double) {
        detector = SilenceDetector(sampleRate: sampleRate, thresholdDBFS: thresholdDBFS, requiredSeconds: seconds)
    }

    public func listen(pairs: UnsafePointer<Int16>, count: Int, position: UInt64) -> UInt64? {
        detector.process(pairs: pairs, frames: count, startPosition: position)?.detectedAt
    }

    public func reset() { detector.reset() }
}
