import TapedeckVocabulary
import TapedeckAudio

/// What the engine is asked to record and where: the station, how its two legs are
/// mixed, the file format and the paths (the domain's plan, in the engine's terms).
public struct RecordingRequest: Sendable, Equatable {
    /// Which audio of the station goes into the main file.
    public enum Mix: Sendable, Equatable {
        /// Both legs mixed to one channel.
        case mono
        /// Agent left, customer right.
        case stereo
        case agentLeg
        case customerLeg
    }

    public var station: String
    public var mix: Mix
    public var format: AudioFormat
    /// MP3 kbit/s (nil: the default for the channel count, or WAV).
    public var bitrateKbps: Int?
    /// The final path of the file.
    public var path: String
    /// Also write the agent's and the customer's leg to these (mono) files.
    public var legPaths: LegPaths?
    /// MP3 kbit/s of the (mono) leg files of a stereo recording.
    public var legBitrateKbps: Int?
    public var endConditions: EndConditions

    public struct LegPaths: Sendable, Equatable {
        public var agent: String
        public var customer: String
        public init(agent: String, customer: String) {
            self.agent = agent
            self.customer = customer
        }
    }

    public init(station: String, mix: Mix, format: AudioFormat, bitrateKbps: Int?, path: String,
                legPaths: LegPaths? = nil, legBitrateKbps: Int? = nil, endConditions: EndConditions = EndConditions()) {
        self.station = station
        self.mix = mix
        self.format = format
        self.bitrateKbps = bitrateKbps
        self.path = path
        self.legPaths = legPaths
        self.legBitrateKbps = legBitrateKbps
        self.endConditions = endConditions
    }
}

/// What ends a recording by itself (nil: not that).
public struct EndConditions: Sendable, Equatable {
    /// Seconds of unpaused audio.
    public var timeoutSeconds: Double?
    /// Seconds of silence on both legs.
    public var silenceSeconds: Double?
    public var silenceThresholdDBFS: Double
    /// A DTMF key on the customer leg.
    public var key: Character?

    public init(timeoutSeconds: Double? = nil, silenceSeconds: Double? = nil, silenceThresholdDBFS: Double = -45,
                key: Character? = nil) {
        self.timeoutSeconds = timeoutSeconds
        self.silenceSeconds = silenceSeconds
        self.silenceThresholdDBFS = silenceThresholdDBFS
        self.key = key
    }
}
