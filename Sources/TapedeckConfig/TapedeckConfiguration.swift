import TapedeckVocabulary

/// The daemon's configuration, validated as a whole: a value of this type is
/// always complete and consistent (see `docs/configuration.md`).
///
/// Read it with ``load(path:)`` or ``parse(text:source:)``; build the demo
/// one with ``virtualDemo(spool:socket:database:serverIP:)``.
public struct TapedeckConfiguration: Sendable, Equatable {
    public static let defaultPath = "/etc/tapedeck/tapedeck.toml"
    public static let defaultSpool = "/var/spool/tapedeck"
    public static let defaultDatabase = "/var/lib/tapedeck/recordings.sqlite"
    public static let defaultSpoolMode: UInt16 = 0o750
    public static let defaultDatabaseMode: UInt16 = 0o640

    /// This box's IP address (IPv4 dotted quad or IPv6), as reported in replies and the log.
    public var serverIP: String
    /// The folder recordings are written to (absolute, no trailing `/`).
    public var spool: String
    /// Permission bits of the spool folder, set whatever the umask (owner rwx at least).
    public var spoolMode: UInt16
    /// The recording-log SQLite database (absolute).
    public var database: String
    /// Permission bits of the database, its `-wal` and `-shm` files and the daemon's lock
    /// files, set whatever the umask (owner rw at least, no execute bits).
    public var databaseMode: UInt16
    public var control: ControlConfig
    /// The optional HTTP listener for Prometheus (`[metrics]`).
    public var metrics: MetricsConfig
    public var recording: RecordingDefaults
    /// In file order.
    public var devices: [DeviceConfig]
    /// In file order; at least one.
    public var stations: [StationConfig]
    /// Webhook endpoints, in file order (reloadable).
    public var webhooks: [WebhookConfig] = []

    public init(serverIP: String, spool: String = Self.defaultSpool, spoolMode: UInt16 = Self.defaultSpoolMode,
                database: String = Self.defaultDatabase, databaseMode: UInt16 = Self.defaultDatabaseMode,
                control: ControlConfig = ControlConfig(), metrics: MetricsConfig = MetricsConfig(),
                recording: RecordingDefaults = RecordingDefaults(),
                devices: [DeviceConfig], stations: [StationConfig]) {
        self.serverIP = serverIP
        self.spool = spool
        self.spoolMode = spoolMode
        self.database = database
        self.databaseMode = databaseMode
        self.control = control
        self.metrics = metrics
        self.recording = recording
        self.devices = devices
        self.stations = stations
    }

    /// The device called `name`.
    public func device(named name: String) -> DeviceConfig? {
        devices.first { $0.name == name }
    }

    /// The station called `name`.
    public func station(named name: String) -> StationConfig? {
        stations.first { $0.name == name }
    }

    /// The stations on the device called `device`, in file order.
    public func stations(onDevice device: String) -> [StationConfig] {
        stations.filter { $0.device == device }
    }
}

/// The control socket (`[control]`).
public struct ControlConfig: Sendable, Equatable {
    public static let defaultSocket = "/run/tapedeck/control.sock"
    public static let defaultMode: UInt16 = 0o660

    /// The Unix socket's path (absolute, at most 107 bytes: `sun_path`).
    public var socket: String
    /// Permission bits for the socket, 0...0o777.
    public var mode: UInt16
    /// The group to give the socket (a name, or a numeric gid); nil keeps the daemon's group.
    public var group: String?
    /// Connections served at once; one more is refused (`too_many_connections`).
    public var maxConnections: Int
    /// A connection that sends nothing for this long is closed (`idle_timeout`).
    public var idleTimeoutSeconds: Int
    /// A connection (or subscriber) that reads nothing of a reply or event for this long is closed.
    public var sendTimeoutSeconds: Int

    public init(socket: String = Self.defaultSocket, mode: UInt16 = Self.defaultMode, group: String? = nil,
                maxConnections: Int = 256, idleTimeoutSeconds: Int = 300, sendTimeoutSeconds: Int = 10) {
        self.socket = socket
        self.mode = mode
        self.group = group
        self.maxConnections = maxConnections
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.sendTimeoutSeconds = sendTimeoutSeconds
    }

    /// `mode` as written in the file: four octal digits, `"0660"`.
    public var modeString: String { ConfigRules.octal(mode) }
}

/// The HTTP listener Prometheus scrapes (`[metrics]`): off unless `listen` is set.
public struct MetricsConfig: Sendable, Equatable {
    /// `"HOST:PORT"`: an IPv4 address and a port (`"127.0.0.1:9187"`), or `"[IPv6]:PORT"`.
    public var listen: String?

    public init(listen: String? = nil) { self.listen = listen }

    /// `listen` split into the address to bind and the port (nil when off).
    public var address: (host: String, port: Int)? { listen.flatMap(ConfigRules.listenAddress) }
}

/// A file format (`[recording] format`): the vocabulary's ``AudioFormat``.
public typealias RecordingFormat = AudioFormat

/// `[recording] api_campaign_policy`: whether a call's campaign policy binds the API.
/// `enforce` (default): under NEVER the API's START and BEGIN are refused, and the API's
/// STOP leaves ALLFORCE recordings running. `ignore`: as VICIdial's api.php, where only the
/// agent screen's button obeys NEVER and ALLFORCE.
public enum APICampaignPolicy: String, Sendable, CaseIterable {
    case enforce
    case ignore
}

/// Defaults for recordings (`[recording]`).
public struct RecordingDefaults: Sendable, Equatable {
    public static let defaultTemplate = FilenameTemplate.defaultRecording.template
    public static let defaultStereoTemplate = FilenameTemplate.defaultStereo.template
    public static let defaultFileMode: UInt16 = 0o640

    public var format: RecordingFormat
    /// MP3 kbit/s for one-channel files (valid at every device's rate).
    public var monoBitrate: Int
    /// MP3 kbit/s for two-channel files (valid at every device's rate).
    public var stereoBitrate: Int
    /// File name template for `recording` (characters `A-Z a-z 0-9 _ - .`, 1–90).
    public var template: String
    /// File name template for `stereo_recording`.
    public var stereoTemplate: String
    /// Seconds of audio each station's ring keeps (the most pre-roll can reach).
    public var historySeconds: Int
    /// No recording runs longer than this many minutes.
    public var limitMinutes: Int
    /// Audio below this level (dBFS) on both legs counts as silence for `end_on_silence`.
    public var silenceThresholdDBFS: Double
    /// Whether a call's NEVER / ALLFORCE campaign policy binds the API's START, BEGIN and STOP.
    public var apiCampaignPolicy: APICampaignPolicy
    /// Recordings one agent may run at once (`agent_recording_limit` beyond).
    public var maxRecordingsPerAgent: Int
    /// Recordings the daemon runs at once in all (`recording_limit` beyond).
    public var maxRecordings: Int
    /// Permission bits of the recordings, set whatever the umask (owner rw at least, no
    /// execute bits).
    public var fileMode: UInt16

    public init(format: RecordingFormat = .wav, monoBitrate: Int = 16, stereoBitrate: Int = 32,
                template: String = Self.defaultTemplate, stereoTemplate: String = Self.defaultStereoTemplate,
                historySeconds: Int = 30, limitMinutes: Int = 60, silenceThresholdDBFS: Double = -45,
                apiCampaignPolicy: APICampaignPolicy = .enforce,
                maxRecordingsPerAgent: Int = 8, maxRecordings: Int = 256,
                fileMode: UInt16 = Self.defaultFileMode) {
        self.maxRecordingsPerAgent = maxRecordingsPerAgent
        self.maxRecordings = maxRecordings
        self.fileMode = fileMode
        self.format = format
        self.monoBitrate = monoBitrate
        self.stereoBitrate = stereoBitrate
        self.template = template
        self.stereoTemplate = stereoTemplate
        self.historySeconds = historySeconds
        self.limitMinutes = limitMinutes
        self.silenceThresholdDBFS = silenceThresholdDBFS
        self.apiCampaignPolicy = apiCampaignPolicy
    }

    /// The default MP3 bitrate for a file of `channels` channels (1 or 2).
    public func bitrate(channels: Int) -> Int { channels == 1 ? monoBitrate : stereoBitrate }
}

/// A capture device (`[[device]]`).
public struct DeviceConfig: Sendable, Equatable {
    /// The `pcm` that selects Tapedeck's built-in paced synthetic source instead of ALSA.
    public static let virtualPCM = "virtual"

    public var name: String
    /// The ALSA PCM name (`hw:1,0`, `plughw:CARD=PCH`, …) or `virtual`.
    public var pcm: String
    /// Frames per second: an MPEG audio rate from 8000 to 48000.
    public var rate: Int
    /// Channels captured, 1–64.
    public var channels: Int
    /// Capture period in milliseconds, 5–100.
    public var periodMilliseconds: Int
    /// Virtual devices only: a 16-bit PCM WAV file (absolute path) played in a loop instead
    /// of the tones; nil: the tones.
    public var speech: String?

    public init(name: String, pcm: String, rate: Int = 8000, channels: Int = 2, periodMilliseconds: Int = 20,
                speech: String? = nil) {
        self.name = name
        self.pcm = pcm
        self.rate = rate
        self.channels = channels
        self.periodMilliseconds = periodMilliseconds
        self.speech = speech
    }

    /// Whether this device is the built-in synthetic source.
    public var isVirtual: Bool { pcm == Self.virtualPCM }
}

/// A station (`[[station]]`): a pair of channels on a device.
public struct StationConfig: Sendable, Equatable {
    public var name: String
    /// The name of its device.
    public var device: String
    /// 0-based channel of the agent's leg.
    public var agentChannel: Int
    /// 0-based channel of the customer's leg (may equal `agentChannel`: both legs on one channel).
    public var customerChannel: Int

    public init(name: String, device: String, agentChannel: Int, customerChannel: Int) {
        self.name = name
        self.device = device
        self.agentChannel = agentChannel
        self.customerChannel = customerChannel
    }
}

extension TapedeckConfiguration {
    /// The built-in demo configuration: one virtual device `virtual` of
    /// 8 channels at 8000 Hz and stations st1…st4 on channels 0/1, 2/3, 4/5,
    /// 6/7; everything else at its default. Give absolute paths.
    public static func virtualDemo(spool: String, socket: String, database: String,
                                   serverIP: String = "127.0.0.1") -> TapedeckConfiguration {
        let device = DeviceConfig(name: "virtual", pcm: DeviceConfig.virtualPCM, rate: 8000, channels: 8,
                                  periodMilliseconds: 20)
        let stations = (1...4).map { n in
            StationConfig(name: "st\(n)", device: device.name, agentChannel: 2 * (n - 1),
                          customerChannel: 2 * (n - 1) + 1)
        }
        return TapedeckConfiguration(serverIP: serverIP, spool: spool, database: database,
                                     control: ControlConfig(socket: socket), devices: [device],
                                     stations: stations)
    }
}

/// A webhook endpoint (`[[webhook]]`): events posted to `url`, signed with `secret`.
public struct WebhookConfig: Sendable, Equatable {
    /// Every event a webhook may ask for (`recording.*`, `agent.*`, `station.*` and `*` also work).
    public static let eventNames = ["recording.started", "recording.paused", "recording.resumed", "recording.completed",
                                    "recording.failed", "recording.discarded",
                                    "agent.login", "agent.logout", "station.down", "station.up"]

    /// Names the endpoint in the outbox and `tapedeck webhooks` (like a station name).
    public var name: String
    /// `http://` or `https://`; nil for an endpoint that only serves per-recording callbacks.
    public var url: String?
    public var secret: String
    public var events: [String]
    /// A START's `event_url` is allowed when it begins with one of these.
    public var callbackPrefixes: [String]
    public var timeoutSeconds: Int
    public var horizonSeconds: Int
    public var backoffBaseSeconds: Double
    public var backoffCapSeconds: Double
    /// PEM CA certificates to trust for HTTPS (instead of the system's).
    public var caFile: String?

    public init(name: String, url: String?, secret: String, events: [String] = ["*"], callbackPrefixes: [String] = [],
                timeoutSeconds: Int = 10, horizonSeconds: Int = 86_400, backoffBaseSeconds: Double = 5,
                backoffCapSeconds: Double = 3600, caFile: String? = nil) {
        self.name = name
        self.url = url
        self.secret = secret
        self.events = events
        self.callbackPrefixes = callbackPrefixes
        self.timeoutSeconds = timeoutSeconds
        self.horizonSeconds = horizonSeconds
        self.backoffBaseSeconds = backoffBaseSeconds
        self.backoffCapSeconds = backoffCapSeconds
        self.caFile = caFile
    }
}
