import Synchronization
import TapedeckVocabulary

/// What can change on a running recording, and from which point of the station's audio.
public enum RecordingControl: Sendable, Equatable {
    /// Pause: `skip` leaves the paused time out of the file; otherwise silence keeps the timeline.
    case pause(skip: Bool)
    case resume
    /// Mask: silence replaces the audio (card numbers); the duration is kept.
    case mask
    case unmask
}

/// Controls sent to a running pipeline from other threads, each taking effect at an exact
/// ring position (where the command arrived), whenever the writer gets there.
public final class RecordingControls: Sendable {
    private let pending = Mutex<[(position: UInt64, control: RecordingControl)]>([])

    public init() {}

    public func send(_ control: RecordingControl, at position: UInt64) {
        pending.withLock { $0.append((position, control)) }
    }

    /// The earliest pending control at or before `position`, removed.
    func next(atOrBefore position: UInt64) -> (position: UInt64, control: RecordingControl)? {
        pending.withLock { list in
            guard let i = list.indices.min(by: { list[$0].position < list[$1].position }),
                  list[i].position <= position else { return nil }
            return list.remove(at: i)
        }
    }
}

/// Why a recording ended by itself.
public enum RecordingEndCause: String, Sendable, Equatable {
    /// Its `timeout` or the global limit was reached.
    case timeout
    /// Both legs were silent for the required time.
    case silence
    /// The DTMF key was heard on the customer leg.
    case key

    /// The cause it gives the recording's row, snapshot and events.
    public var endCause: EndCause {
        switch self {
        case .timeout: .timeout
        case .silence: .silence
        case .key: .key
        }
    }
}

/// Rules that end a recording by itself. Times count recorded audio: paused time does
/// not count; silence and key detection ignore paused and masked spans.
public struct RecordingRules: Sendable, Equatable {
    /// Frames of unpaused audio after which the recording ends (`timeout`, or the limit).
    public var timeoutFrames: Int?
    /// End after this many seconds of silence on both legs, below `silenceThresholdDBFS`.
    public var endOnSilenceSeconds: Double?
    public var silenceThresholdDBFS: Double
    /// End when this DTMF key is heard on the customer leg (the tone is cut from the file).
    public var endOnKey: Character?

    public init(timeoutFrames: Int? = nil, endOnSilenceSeconds: Double? = nil, silenceThresholdDBFS: Double = -45,
                endOnKey: Character? = nil) {
        self.timeoutFrames = timeoutFrames
        self.endOnSilenceSeconds = endOnSilenceSeconds
        self.silenceThresholdDBFS = silenceThresholdDBFS
        self.endOnKey = endOnKey
    }
}
