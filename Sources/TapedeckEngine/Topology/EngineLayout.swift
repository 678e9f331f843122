#if canImport(Glibc)
import Glibc
#endif
import TapedeckAudio

/// What the engine is asked to open: devices and the stations on them.
public struct EngineLayout: Sendable, Equatable {
    public struct Device: Sendable, Equatable {
        public var name: String
        public var pcm: String
        public var format: CaptureFormat
        /// A virtual device's recorded programme (a WAV file), nil for its tones.
        public var speech: String?
        public init(name: String, pcm: String, format: CaptureFormat, speech: String? = nil) {
            self.name = name
            self.pcm = pcm
            self.format = format
            self.speech = speech
        }
    }

    public struct Station: Sendable, Equatable {
        public var name: String
        public var device: String
        public var agentChannel: Int
        public var customerChannel: Int
        public init(name: String, device: String, agentChannel: Int, customerChannel: Int) {
            self.name = name
            self.device = device
            self.agentChannel = agentChannel
            self.customerChannel = customerChannel
        }
    }

    public var devices: [Device]
    public var stations: [Station]
    public var historySeconds: Double
    /// The permission bits of the recordings started from now on (nil: 0644 less the umask).
    public var fileMode: mode_t?
    /// The folder (tmpfs) where MP3 recordings started from now on keep their encoded audio
    /// until it is written, about once a second (`WriteBehindTail`); nil: each batch is
    /// written at once.
    public var writeBehind: String?
    public init(devices: [Device], stations: [Station], historySeconds: Double = 30, fileMode: mode_t? = nil,
                writeBehind: String? = nil) {
        self.devices = devices
        self.stations = stations
        self.historySeconds = historySeconds
        self.fileMode = fileMode
        self.writeBehind = writeBehind
    }

    func device(_ name: String) -> Device? { devices.first { $0.name == name } }
}
