import TapedeckVocabulary

/// Options of START/BEGIN: parsed and range-checked by the protocol, enforced by the domain.
public struct StartOptions: Sendable, Hashable {
    public var stage: Stage?
    public var format: RecordingSnapshot.Format?
    /// MP3 kbit/s: one of ``MP3Bitrates/any`` here; the daemon checks it against the
    /// station's rate (``MP3Bitrates/at(sampleRate:)``).
    public var bitrate: Int?
    /// Seconds, 3...7200.
    public var timeout: Int?
    /// Seconds, 3...10.
    public var endOnSilence: Int?
    /// One DTMF key: 0-9, *, #.
    public var endOnKey: Character?
    /// Pre-roll in milliseconds (non-negative; the ring's history is the daemon's check).
    public var prerollMilliseconds: Int?
    /// Minimum duration in milliseconds (0...7200 s).
    public var minDurationMilliseconds: Int?
    /// `legs=split`.
    public var splitLegs: Bool
    /// `event_url`: this recording's own webhook callback (http or https; the daemon
    /// allows only URLs under a configured `callback_prefixes`).
    public var eventURL: String? = nil

    public init(stage: Stage? = nil, format: RecordingSnapshot.Format? = nil, bitrate: Int? = nil,
                timeout: Int? = nil, endOnSilence: Int? = nil, endOnKey: Character? = nil,
                prerollMilliseconds: Int? = nil, minDurationMilliseconds: Int? = nil, splitLegs: Bool = false) {
        self.stage = stage
        self.format = format
        self.bitrate = bitrate
        self.timeout = timeout
        self.endOnSilence = endOnSilence
        self.endOnKey = endOnKey
        self.prerollMilliseconds = prerollMilliseconds
        self.minDurationMilliseconds = minDurationMilliseconds
        self.splitLegs = splitLegs
    }
}
