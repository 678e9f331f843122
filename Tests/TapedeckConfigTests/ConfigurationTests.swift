#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
import TapedeckVocabulary
import TapedeckConfig

@Suite struct DefaultsTests {
    @Test func theSmallestConfigurationTakesEveryDefault() throws {
        let config = try TapedeckConfiguration.parse(
            text: toml(devices: [device("card1", pcm: "hw:1,0")], stations: [station("st1", 0, 1)]), source: etc)
        #expect(config == TapedeckConfiguration(
            serverIP: "10.0.0.5",
            spool: "/var/spool/tapedeck",
            spoolMode: 0o750,
            database: "/var/lib/tapedeck/recordings.sqlite",
            databaseMode: 0o640,
            control: ControlConfig(socket: "/run/tapedeck/control.sock", mode: 0o660, group: nil),
            recording: RecordingDefaults(format: .wav, monoBitrate: 16, stereoBitrate: 32,
                                         template: "FULLDATE_CUSTPHONE_AGENT",
                                         stereoTemplate: "S_FULLDATE_CUSTPHONE_AGENT",
                                         historySeconds: 30, limitMinutes: 60, silenceThresholdDBFS: -45,
                                         fileMode: 0o640),
            devices: [DeviceConfig(name: "card1", pcm: "hw:1,0", rate: 8000, channels: 2, periodMilliseconds: 20)],
            stations: [StationConfig(name: "st1", device: "card1", agentChannel: 0, customerChannel: 1)]))
        #expect(config.control.modeString == "0660")
        #expect(config.recording.bitrate(channels: 1) == 16)
        #expect(config.recording.bitrate(channels: 2) == 32)
        #expect(!config.devices[0].isVirtual)
        #expect(config.recording.apiCampaignPolicy == .enforce)
    }

    @Test(arguments: [("enforce", APICampaignPolicy.enforce), ("ignore", .ignore)])
    func theAPICampaignPolicy(_ text: String, _ policy: APICampaignPolicy) throws {
        let config = try TapedeckConfiguration.parse(text: toml(recording: "api_campaign_policy = \"\(text)\""), source: etc)
        #expect(config.recording.apiCampaignPolicy == policy)
        #expect(config.tomlText().contains("api_campaign_policy = \"\(text)\"\n"))
    }

    @Test func everyKeySet() throws {
        let text = """
            server_ip = "192.168.7.20"
            spool = "/srv/recordings/"
            spool_mode = "0770"
            database = "/srv/db/rec.sqlite"
            database_mode = "600"
            [control]
            socket = "/tmp/t.sock"
            mode = "660"
            group = "www-data"
            max_connections = 1000
            idle_timeout_seconds = 60
            send_timeout_seconds = 5
            [recording]
            format = "mp3"
            mono_bitrate = 32
            stereo_bitrate = 64
            template = "TINYDATE-STATION.RECID"
            stereo_template = "ST_EPOCH"
            history_seconds = 120
            limit_minutes = 240
            silence_threshold_dbfs = -50.5
            max_recordings_per_agent = 2
            max_recordings = 40
            file_mode = "0644"
            [[device]]
            name = "pch"
            pcm = "plughw:CARD=PCH,DEV=0"
            rate = 48000
            channels = 4
            period_ms = 10
            [[device]]
            name = "v"
            pcm = "virtual"
            rate = 16000
            channels = 1
            period_ms = 100
            [[station]]
            name = "desk-1.a"
            device = "pch"
            agent_channel = 3
            customer_channel = 2
            [[station]]
            name = "9"
            device = "v"
            agent_channel = 0
            customer_channel = 0
            """
        let config = try TapedeckConfiguration.parse(text: text, source: etc)
        #expect(config.serverIP == "192.168.7.20")
        #expect(config.spool == "/srv/recordings")
        #expect(config.spoolMode == 0o770)
        #expect(config.database == "/srv/db/rec.sqlite")
        #expect(config.databaseMode == 0o600)
        #expect(config.control == ControlConfig(socket: "/tmp/t.sock", mode: 0o660, group: "www-data",
                                                maxConnections: 1000, idleTimeoutSeconds: 60, sendTimeoutSeconds: 5))
        #expect(config.recording == RecordingDefaults(format: .mp3, monoBitrate: 32, stereoBitrate: 64,
                                                      template: "TINYDATE-STATION.RECID", stereoTemplate: "ST_EPOCH",
                                                      historySeconds: 120, limitMinutes: 240, silenceThresholdDBFS: -50.5,
                                                      maxRecordingsPerAgent: 2, maxRecordings: 40, fileMode: 0o644))
        #expect(config.devices == [
            DeviceConfig(name: "pch", pcm: "plughw:CARD=PCH,DEV=0", rate: 48000, channels: 4, periodMilliseconds: 10),
            DeviceConfig(name: "v", pcm: "virtual", rate: 16000, channels: 1, periodMilliseconds: 100),
        ])
        #expect(config.stations == [
            StationConfig(name: "desk-1.a", device: "pch", agentChannel: 3, customerChannel: 2),
            StationConfig(name: "9", device: "v", agentChannel: 0, customerChannel: 0),
        ])
        #expect(config.devices[1].isVirtual)
        #expect(config.device(named: "v")?.channels == 1)
        #expect(config.station(named: "9")?.device == "v")
        #expect(config.stations(onDevice: "pch").map(\.name) == ["desk-1.a"])
        #expect(config.device(named: "nope") == nil)
    }

    @Test(arguments: ["10.0.0.5", "0.0.0.0", "255.255.255.255", "::1", "fe80::1", "2001:db8::10:0:0:5", "::ffff:10.0.0.5"])
    func serverAddresses(_ ip: String) throws {
        let config = try TapedeckConfiguration.parse(text: toml(top: "server_ip = \"\(ip)\""), source: etc)
        #expect(config.serverIP == ip)
    }

    @Test(arguments: [("0", UInt16(0)), ("600", 0o600), ("0777", 0o777), ("0660", 0o660), ("0007", 0o7)])
    func socketModes(_ mode: String, _ value: UInt16) throws {
        let config = try TapedeckConfiguration.parse(text: toml(control: "mode = \"\(mode)\""), source: etc)
        #expect(config.control.mode == value)
    }

    @Test func aNumericGroup() throws {
        #expect(try TapedeckConfiguration.parse(text: toml(control: "group = \"33\""), source: etc).control.group == "33")
    }

    @Test func bothLegsOnOneChannel() throws {
        let config = try TapedeckConfiguration.parse(
            text: toml(devices: [device("mono1", "channels = 1")], stations: [station("st1", "mono1", 0, 0)]), source: etc)
        #expect(config.stations[0].agentChannel == 0 && config.stations[0].customerChannel == 0)
    }

    @Test func virtualDevicesMayShareTheirPCM() throws {
        let config = try TapedeckConfiguration.parse(
            text: toml(devices: [device("v1", pcm: "virtual"), device("v2", pcm: "virtual")],
                       stations: [station("a", "v1", 0, 1), station("b", "v2", 0, 1)]), source: etc)
        #expect(config.devices.allSatisfy { $0.isVirtual })
    }

    @Test func aVirtualDeviceMayPlayAFile() throws {
        let config = try TapedeckConfiguration.parse(
            text: toml(devices: [device("v1", pcm: "virtual", "speech = \"/srv/speech/talk.wav\"")],
                       stations: [station("a", "v1", 0, 1)]), source: etc)
        #expect(config.devices[0].speech == "/srv/speech/talk.wav")
        #expect(try TapedeckConfiguration.parse(text: config.tomlText(), source: etc) == config)
        #expect(errorLine(toml(devices: [device("card1", "speech = \"/srv/talk.wav\"")], stations: [station("a", 0, 1)]))?
            .contains("device[1].speech: only a virtual device") == true)
        #expect(errorLine(toml(devices: [device("v1", pcm: "virtual", "speech = \"talk.wav\"")], stations: [station("a", "v1", 0, 1)]))?
            .contains("device[1].speech: \"talk.wav\" is not an absolute path") == true)
    }

    @Test func theSpeechKeyIsDocumented() throws {
        let reference = try String(decoding: readAll(ReferenceFileTests.path), as: UTF8.self)
        #expect(reference.contains("speech"))
        let docs = try String(decoding: readAll(repositoryRoot + "/docs/configuration.md"), as: UTF8.self)
        #expect(docs.contains("`speech`"))
    }

    @Test func stationsMayShareChannelNumbersOnDifferentDevices() throws {
        let config = try TapedeckConfiguration.parse(
            text: toml(devices: [device("card1"), device("card2")],
                       stations: [station("a", "card1", 0, 1), station("b", "card2", 0, 1)]), source: etc)
        #expect(config.stations.count == 2)
    }

    @Test(arguments: [8000, 11025, 12000, 16000, 22050, 24000])
    func lowRatesTakeTheDefaultBitrates(_ rate: Int) throws {
        _ = try TapedeckConfiguration.parse(text: toml(devices: [device("card1", "rate = \(rate)")]), source: etc)
    }

    /// Every bitrate LAME writes as asked at a rate loads; MPEG-2's 144 among them.
    @Test(arguments: [(8000, [8, 16, 24, 32, 40, 48, 56, 64]), (12000, [8, 16, 24, 32, 40, 48, 56, 64]),
                      (16000, [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]),
                      (24000, [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]),
                      (44100, [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320])])
    func everyEncodableBitrateLoads(_ rate: Int, _ bitrates: [Int]) throws {
        #expect(MP3Bitrates.at(sampleRate: rate) == bitrates)
        for n in bitrates {
            let config = try TapedeckConfiguration.parse(
                text: toml(recording: "mono_bitrate = \(n)\nstereo_bitrate = \(n)", devices: [device("card1", "rate = \(rate)")]),
                source: etc)
            #expect(config.recording.monoBitrate == n && config.recording.stereoBitrate == n)
        }
    }

    @Test(arguments: [32000, 44100, 48000])
    func highRatesNeedAnMPEG1MonoBitrate(_ rate: Int) throws {
        #expect(errorLine(toml(devices: [device("card1", "rate = \(rate)")]))?.contains("the default 16") == true)
        _ = try TapedeckConfiguration.parse(text: toml(recording: "mono_bitrate = 32", devices: [device("card1", "rate = \(rate)")]),
                                            source: etc)
    }

    @Test func integerAndDecimalThresholds() throws {
        for (text, value) in [("-90", -90.0), ("-10", -10.0), ("-45.5", -45.5), ("-60.0", -60.0)] {
            let config = try TapedeckConfiguration.parse(text: toml(recording: "silence_threshold_dbfs = \(text)"), source: etc)
            #expect(config.recording.silenceThresholdDBFS == value)
        }
    }

    @Test func boundaries() throws {
        let config = try TapedeckConfiguration.parse(
            text: toml(recording: "history_seconds = 300\nlimit_minutes = 1440",
                       devices: [device("card1", "channels = 64\nrate = 8000\nperiod_ms = 5")],
                       stations: [station("st1", 0, 63)]), source: etc)
        #expect(config.devices[0].channels == 64)
        #expect(config.stations[0].customerChannel == 63)
        #expect(config.recording.historySeconds == 300 && config.recording.limitMinutes == 1440)
    }

    @Test func limitBoundaries() throws {
        let high = try TapedeckConfiguration.parse(
            text: toml(control: "max_connections = 16384\nidle_timeout_seconds = 86400\nsend_timeout_seconds = 3600",
                       recording: "max_recordings_per_agent = 64\nmax_recordings = 4096"), source: etc)
        #expect(high.control.maxConnections == 16384 && high.control.idleTimeoutSeconds == 86400
                && high.control.sendTimeoutSeconds == 3600)
        #expect(high.recording.maxRecordingsPerAgent == 64 && high.recording.maxRecordings == 4096)
        let low = try TapedeckConfiguration.parse(
            text: toml(control: "max_connections = 1\nidle_timeout_seconds = 1\nsend_timeout_seconds = 1",
                       recording: "max_recordings_per_agent = 1\nmax_recordings = 1"), source: etc)
        #expect(low.control == ControlConfig(maxConnections: 1, idleTimeoutSeconds: 1, sendTimeoutSeconds: 1))
        #expect(low.recording == RecordingDefaults(maxRecordingsPerAgent: 1, maxRecordings: 1))
    }
}

@Suite struct ReferenceFileTests {
    static let path = repositoryRoot + "/conf/tapedeck.toml"

    @Test func theReferenceConfigurationLoads() throws {
        let config = try TapedeckConfiguration.load(path: Self.path)
        #expect(config.serverIP == "10.0.0.5")
        #expect(config.devices == [DeviceConfig(name: "card1", pcm: "hw:1,0", rate: 8000, channels: 8, periodMilliseconds: 20)])
        #expect(config.stations.map(\.name) == ["st1", "st2", "st3", "st4"])
        #expect(config.control == ControlConfig())
        #expect(config.recording == RecordingDefaults())
    }

    /// Its `#key = value` lines are the parser's defaults: uncommented, they change nothing.
    @Test func itsCommentedDefaultsAreTheParsersDefaults() throws {
        let text = try String(decoding: readAll(Self.path), as: UTF8.self)
        var uncommented = 0
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> Substring in
            let isDefault = line.hasPrefix("#") && line.dropFirst().first.map { $0.isLetter } == true && line.contains(" = ")
            if isDefault { uncommented += 1 }
            return isDefault ? line.dropFirst() : line
        }
        #expect(uncommented == 23)
        let original = try TapedeckConfiguration.parse(text: text, source: Self.path)
        let explicit = try TapedeckConfiguration.parse(text: lines.joined(separator: "\n"), source: Self.path)
        #expect(original == explicit)
    }

    /// Every key of the parser appears in the reference file and in docs/configuration.md.
    @Test(arguments: ["server_ip", "spool", "spool_mode", "database", "database_mode", "[control]", "socket", "mode", "group", "[recording]", "format",
                      "mono_bitrate", "stereo_bitrate", "template", "stereo_template", "history_seconds", "limit_minutes",
                      "silence_threshold_dbfs", "api_campaign_policy", "max_connections", "idle_timeout_seconds", "send_timeout_seconds",
                      "max_recordings_per_agent", "max_recordings", "file_mode", "[[device]]", "name", "pcm", "rate", "channels", "period_ms", "[[station]]",
                      "device", "agent_channel", "customer_channel"])
    func everyKeyIsDocumented(_ key: String) throws {
        let reference = try String(decoding: readAll(Self.path), as: UTF8.self)
        #expect(reference.contains(key))
        let docs = try String(decoding: readAll(repositoryRoot + "/docs/configuration.md"), as: UTF8.self)
        #expect(docs.contains("`\(key)`"))
    }
}

@Suite struct DemoTests {
    @Test func theVirtualDemo() throws {
        let config = TapedeckConfiguration.virtualDemo(spool: "/tmp/demo/spool", socket: "/tmp/demo/control.sock",
                                                       database: "/tmp/demo/recordings.sqlite")
        #expect(config.serverIP == "127.0.0.1")
        #expect(config.spool == "/tmp/demo/spool")
        #expect(config.database == "/tmp/demo/recordings.sqlite")
        #expect(config.control == ControlConfig(socket: "/tmp/demo/control.sock", mode: 0o660, group: nil))
        #expect(config.recording == RecordingDefaults())
        #expect(config.devices == [DeviceConfig(name: "virtual", pcm: "virtual", rate: 8000, channels: 8, periodMilliseconds: 20)])
        #expect(config.devices[0].isVirtual)
        #expect(config.stations == [
            StationConfig(name: "st1", device: "virtual", agentChannel: 0, customerChannel: 1),
            StationConfig(name: "st2", device: "virtual", agentChannel: 2, customerChannel: 3),
            StationConfig(name: "st3", device: "virtual", agentChannel: 4, customerChannel: 5),
            StationConfig(name: "st4", device: "virtual", agentChannel: 6, customerChannel: 7),
        ])
    }

    /// The demo passes the file's validation: written out and read back, it is the same.
    @Test func theVirtualDemoIsValid() throws {
        let config = TapedeckConfiguration.virtualDemo(spool: "/tmp/demo/spool", socket: "/tmp/demo/control.sock",
                                                       database: "/tmp/demo/recordings.sqlite", serverIP: "10.1.2.3")
        #expect(try TapedeckConfiguration.parse(text: config.tomlText(), source: "demo") == config)
        #expect(try config.validated(source: "demo") == config)
    }

    /// Paths from a command line are checked the same way as a file's.
    @Test func aDemoWithBadPaths() {
        let relative = TapedeckConfiguration.virtualDemo(spool: "demo/spool", socket: "/tmp/demo/control.sock",
                                                         database: "/tmp/demo/recordings.sqlite")
        #expect(throws: ConfigError(source: "--demo", key: "spool", problem: "\"demo/spool\" is not an absolute path")) {
            try relative.validated(source: "--demo")
        }
        let long = "/tmp/" + String(repeating: "d", count: 100) + "/control.sock"
        let deep = TapedeckConfiguration.virtualDemo(spool: "/tmp/s", socket: long, database: "/tmp/r.sqlite")
        #expect(throws: ConfigError(source: "--demo", key: "control.socket", problem: "\"\(long)\" is longer than 107 bytes")) {
            try deep.validated(source: "--demo")
        }
    }
}

@Suite struct RenderingTests {
    @Test func tomlTextReadsBackEqual() throws {
        var config = try TapedeckConfiguration.load(path: ReferenceFileTests.path)
        config.recording.silenceThresholdDBFS = -47.25
        config.devices[0].pcm = "plug:'file:\"/tmp/a b\\c\"'"
        config.control.group = "tapedeck"
        config.metrics.listen = "[::1]:9187"
        config.spoolMode = 0o700
        config.databaseMode = 0o600
        config.recording.fileMode = 0o664
        #expect(try TapedeckConfiguration.parse(text: config.tomlText(), source: "x") == config)
    }

    @Test func tomlTextOfTheDefaults() throws {
        let config = try TapedeckConfiguration.parse(text: toml(devices: [device("card1", pcm: "hw:1,0")]), source: etc)
        #expect(config.tomlText() == """
            server_ip = "10.0.0.5"
            spool = "/var/spool/tapedeck"
            spool_mode = "0750"
            database = "/var/lib/tapedeck/recordings.sqlite"
            database_mode = "0640"

            [control]
            socket = "/run/tapedeck/control.sock"
            mode = "0660"
            max_connections = 256
            idle_timeout_seconds = 300
            send_timeout_seconds = 10

            [recording]
            format = "wav"
            mono_bitrate = 16
            stereo_bitrate = 32
            template = "FULLDATE_CUSTPHONE_AGENT"
            stereo_template = "S_FULLDATE_CUSTPHONE_AGENT"
            history_seconds = 30
            limit_minutes = 60
            silence_threshold_dbfs = -45
            api_campaign_policy = "enforce"
            max_recordings_per_agent = 8
            max_recordings = 256
            file_mode = "0640"

            [[device]]
            name = "card1"
            pcm = "hw:1,0"
            rate = 8000
            channels = 2
            period_ms = 20

            [[station]]
            name = "st1"
            device = "card1"
            agent_channel = 0
            customer_channel = 1

            """)
    }
}

@Suite struct LoadTests {
    let folder: String

    init() throws {
        var template = Array("/tmp/tapedeck-config-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        try #require(made != nil)
        folder = String(cString: made!)
    }

    func makeFile(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = folder + "/" + name
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        try #require(fd >= 0)
        defer { close(fd) }
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        try #require(written == bytes.count)
        return path
    }

    @Test func aMissingFile() {
        let path = folder + "/nope.toml"
        #expect(errorLoading(path) == "\(path): cannot read: No such file or directory")
    }

    @Test func aFolder() {
        #expect(errorLoading(folder) == "\(folder): cannot read: Is a directory")
    }

    /// A FIFO is refused at once: opening it to read would wait for a writer for ever.
    @Test func aFIFO() throws {
        let path = folder + "/fifo.toml"
        try #require(mkfifo(path, 0o644) == 0)
        #expect(errorLoading(path) == "\(path): cannot read: not a regular file (a FIFO)")
    }

    @Test func aCharacterDevice() {
        #expect(errorLoading("/dev/null") == "/dev/null: cannot read: not a regular file (a character device)")
    }

    @Test func aSymbolicLinkToAFileIsRead() throws {
        let target = try makeFile("target.toml", Array(toml().utf8))
        let link = folder + "/link.toml"
        try #require(symlink(target, link) == 0)
        #expect(try TapedeckConfiguration.load(path: link).stations.count == 1)
    }

    @Test func anUnreadableFile() throws {
        let path = try makeFile("secret.toml", Array(toml().utf8))
        chmod(path, 0)
        defer { chmod(path, 0o644) }
        if geteuid() == 0 { return }  // root reads anything
        #expect(errorLoading(path) == "\(path): cannot read: Permission denied")
    }

    @Test func aGoodFile() throws {
        let path = try makeFile("good.toml", Array(toml().utf8))
        #expect(try TapedeckConfiguration.load(path: path).stations.count == 1)
    }

    @Test func errorsNameTheFile() throws {
        let path = try makeFile("bad.toml", Array(toml(top: "").utf8))
        #expect(errorLoading(path) == "\(path): server_ip: missing")
    }

    @Test func notUTF8() throws {
        let path = try makeFile("latin1.toml", Array("server_ip = \"10.0.0.5\"\n# caf".utf8) + [0xE9] + Array("\n".utf8))
        #expect(errorLoading(path) == "\(path): line 2: not valid UTF-8")
    }

    @Test func aNULCharacter() throws {
        let path = try makeFile("nul.toml", Array(toml().utf8) + [0] + Array("sever_ip = 1\n".utf8))
        #expect(errorLoading(path) == "\(path): line 11: contains a NUL character")
    }

    @Test func tooLarge() throws {
        let path = try makeFile("big.toml", Array(repeating: UInt8(ascii: "#"), count: (1 << 20) + 1))
        #expect(errorLoading(path) == "\(path): larger than 1048576 bytes: not a configuration file")
    }

    func errorLoading(_ path: String) -> String? {
        do {
            _ = try TapedeckConfiguration.load(path: path)
            return nil
        } catch {
            return error.description
        }
    }
}

func readAll(_ path: String) throws -> [UInt8] {
    let fd = open(path, O_RDONLY)
    try #require(fd >= 0, "cannot open \(path)")
    defer { close(fd) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n <= 0 { break }
        bytes += chunk[0..<n]
    }
    return bytes
}

/// `[metrics] listen`: the optional HTTP listener for Prometheus.
@Suite struct MetricsListenTests {
    @Test func offUnlessSet() throws {
        let config = try TapedeckConfiguration.parse(text: toml(), source: etc)
        #expect(config.metrics.listen == nil && config.metrics.address == nil)
    }

    @Test(arguments: [("127.0.0.1:9187", "127.0.0.1", 9187), ("0.0.0.0:1", "0.0.0.0", 1), ("[::1]:65535", "::1", 65535)])
    func addresses(_ listen: String, _ host: String, _ port: Int) throws {
        let config = try TapedeckConfiguration.parse(text: toml(top: "server_ip = \"10.0.0.5\"\n[metrics]\nlisten = \"\(listen)\""), source: etc)
        #expect(config.metrics.address?.host == host && config.metrics.address?.port == port)
    }

    @Test(arguments: ["9187", "localhost:9187", "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:", "::1:9187", "[::1]", "127.0.0.1:91a"])
    func badAddresses(_ listen: String) {
        let text = toml(top: "server_ip = \"10.0.0.5\"\n[metrics]\nlisten = \"\(listen)\"")
        #expect(errorLine(text) == "\(etc): metrics.listen: \"\(listen)\" is not an address and port like \"127.0.0.1:9187\" or \"[::1]:9187\" (port 1–65535)")
    }

    @Test func unknownKeysAndTypes() {
        #expect(errorLine(toml(top: "server_ip = \"10.0.0.5\"\n[metrics]\nport = 9187"))
                == "\(etc): unknown key \"metrics.port\"")
        #expect(errorLine(toml(top: "server_ip = \"10.0.0.5\"\n[metrics]\nlisten = 9187"))
                == "\(etc): metrics.listen: must be a string, not an integer")
    }
}
