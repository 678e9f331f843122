#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TapedeckVocabulary
import TOMLKit

extension TapedeckConfiguration {
    /// The largest configuration file read.
    public static let maximumFileBytes = 1 << 20

    /// Reads and validates the file at `path`. Errors name `path`.
    public static func load(path: String) throws(ConfigError) -> TapedeckConfiguration {
        let bytes = try readFile(path)
        return try parse(bytes: bytes, source: path)
    }

    /// Validates a configuration's text; `source` names it in errors (a file name).
    public static func parse(text: String, source: String) throws(ConfigError) -> TapedeckConfiguration {
        try parse(bytes: Array(text.utf8), source: source)
    }

    static func parse(bytes: [UInt8], source: String) throws(ConfigError) -> TapedeckConfiguration {
        let text = try decodeText(bytes, source: source)
        if let trap = TOMLPreflight.firstTrap(bytes) {
            // toml++ would abort on it: report an error before its statement, else this one.
            _ = try table(String(decoding: bytes[..<trap.statementStart], as: UTF8.self), source: source)
            throw ConfigError(source: source, key: nil, problem: trap.problem)
        }
        return try ConfigReader(source: source).configuration(Node.table(table(text, source: source)))
    }

    static func table(_ text: String, source: String) throws(ConfigError) -> TOMLTable {
        do {
            return try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigError(source: source, key: nil, problem: syntaxProblem(error))
        } catch {
            throw ConfigError(source: source, key: nil, problem: "TOML syntax error: \(error)")
        }
    }

    // MARK: - Reading

    /// Reads a regular file (a symbolic link to one is followed). Anything else is refused
    /// before it is read: a FIFO would block the open until a writer came, a device could
    /// never end.
    static func readFile(_ path: String) throws(ConfigError) -> [UInt8] {
        func fail(_ code: Int32) -> ConfigError {
            ConfigError(source: path, key: nil, problem: "cannot read: " + String(cString: strerror(code)))
        }
        func refuse(_ mode: mode_t) throws(ConfigError) {
            let kind = mode & S_IFMT
            if kind == S_IFREG { return }
            if kind == S_IFDIR { throw fail(EISDIR) }
            throw ConfigError(source: path, key: nil, problem: "cannot read: not a regular file (\(fileKind(kind)))")
        }
        var st = stat()
        if stat(path, &st) != 0 { throw fail(errno) }
        try refuse(st.st_mode)
        // Non-blocking, so that a FIFO put there meanwhile cannot hang the open.
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        if fd < 0 { throw fail(errno) }
        defer { close(fd) }
        if fstat(fd, &st) != 0 { throw fail(errno) }
        try refuse(st.st_mode)
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw fail(errno)
            }
            if n == 0 { break }
            bytes += chunk[0..<n]
            if bytes.count > maximumFileBytes {
                throw ConfigError(source: path, key: nil, problem: "larger than \(maximumFileBytes) bytes: not a configuration file")
            }
        }
        return bytes
    }

    /// A file type in words, for an error line.
    static func fileKind(_ kind: mode_t) -> String {
        switch kind {
        case S_IFIFO: "a FIFO"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        case S_IFDIR: "a directory"
        default: "not a file"
        }
    }

    /// UTF-8 without NUL (toml++ reads a C string: a NUL would end the file early).
    static func decodeText(_ bytes: [UInt8], source: String) throws(ConfigError) -> String {
        var line = 1
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var text = ""
        text.reserveCapacity(bytes.count)
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let c):
                if c == "\0" {
                    throw ConfigError(source: source, key: nil, problem: "line \(line): contains a NUL character")
                }
                if c == "\n" { line += 1 }
                text.unicodeScalars.append(c)
            case .emptyInput:
                break loop
            case .error:
                throw ConfigError(source: source, key: nil, problem: "line \(line): not valid UTF-8")
            }
        }
        return text
    }

    /// `line 3, column 7: TOML syntax error while parsing key-value pair: expected value, saw '\n'`.
    static func syntaxProblem(_ error: TOMLParseError) -> String {
        var what = error.description
        let prefix = "Error while parsing"
        if what.hasPrefix(prefix) {
            what = "TOML syntax error while parsing" + what.dropFirst(prefix.count)
        } else {
            what = "TOML syntax error: " + what
        }
        what = String(what.map { $0 == "\n" || $0 == "\r" || $0 == "\r\n" ? " " : $0 })
        let at = error.source.begin
        return "line \(at.line), column \(at.column): \(what)"
    }
}

/// A parsed TOML value, copied out of TOMLKit into plain Swift values.
enum Node {
    case table([String: Node])
    case array([Node])
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    /// Dates and times: carried only to be refused with their type's name.
    case other(String)

    static func table(_ t: TOMLTable) -> [String: Node] {
        var out: [String: Node] = [:]
        for (key, value) in t { out[key] = Node(value.tomlValue) }
        return out
    }

    init(_ v: TOMLValue) {
        switch v.type {
        case .table: self = .table(Node.table(v.table!))
        case .array: self = .array(v.array!.map { Node($0.tomlValue) })
        case .string: self = .string(v.string!)
        case .int: self = .int(v.int!)
        case .double: self = .double(v.double!)
        case .bool: self = .bool(v.bool!)
        case .date: self = .other("a date")
        case .time: self = .other("a time")
        case .dateTime: self = .other("a date-time")
        }
    }

    var typeName: String {
        switch self {
        case .table: "a table"
        case .array: "an array"
        case .string: "a string"
        case .int: "an integer"
        case .double: "a float"
        case .bool: "a boolean"
        case .other(let name): name
        }
    }
}

/// The keys each table may hold.
enum Schema {
    static let root = ["server_ip", "spool", "spool_mode", "database", "database_mode", "control", "metrics",
                       "recording", "device", "station", "webhook"]
    static let control = ["socket", "mode", "group", "max_connections", "idle_timeout_seconds", "send_timeout_seconds"]
    static let metrics = ["listen"]
    static let recording = ["format", "mono_bitrate", "stereo_bitrate", "template", "stereo_template",
                            "history_seconds", "limit_minutes", "silence_threshold_dbfs", "api_campaign_policy",
                            "max_recordings_per_agent", "max_recordings", "file_mode"]
    static let device = ["name", "pcm", "rate", "channels", "period_ms"]
    static let station = ["name", "device", "agent_channel", "customer_channel"]
    static let webhook = ["name", "url", "secret", "events", "callback_prefixes", "timeout_seconds", "horizon_seconds",
                          "backoff_base_seconds", "backoff_cap_seconds", "ca_file"]
}

/// Validation, in a fixed order so the error reported is always the same one:
/// first the structure (tables, arrays of tables, unknown keys, in the order
/// root, control, metrics, recording, each device, each station), then the values in
/// the same order, then what needs several values (channels, bitrates).
struct ConfigReader {
    let source: String

    func fail(_ key: String?, _ problem: String) -> ConfigError {
        ConfigError(source: source, key: key, problem: problem)
    }

    // MARK: Structure

    func checkKeys(_ table: [String: Node], allowed: [String], path: String) throws(ConfigError) {
        for key in table.keys.sorted() where !allowed.contains(key) {
            let full = path.isEmpty ? key : "\(path).\(key)"
            var problem = "unknown key \(ConfigRules.quoted(full))"
            if let guess = Self.closest(to: key, in: allowed) {
                let fullGuess = path.isEmpty ? guess : "\(path).\(guess)"
                problem += " (did you mean \(ConfigRules.quoted(fullGuess))?)"
            }
            throw fail(nil, problem)
        }
    }

    /// The known key `key` most likely meant: the only one it begins (`period` for
    /// `period_ms`), else the only nearest within edit distance 2 (case-insensitive).
    static func closest(to key: String, in known: [String]) -> String? {
        let lower = key.lowercased()
        let extended = known.filter { $0.hasPrefix(lower + "_") }
        if extended.count == 1 { return extended[0] }
        let k = Array(lower.unicodeScalars)
        var best: (String, Int)?
        var tie = false
        for candidate in known {
            let d = distance(k, Array(candidate.unicodeScalars))
            guard d <= 2 else { continue }
            if best == nil || d < best!.1 { best = (candidate, d); tie = false } else if d == best!.1 { tie = true }
        }
        return tie ? nil : best?.0
    }

    static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }

    func subtable(_ root: [String: Node], _ key: String) throws(ConfigError) -> [String: Node] {
        guard let node = root[key] else { return [:] }
        guard case .table(let t) = node else {
            throw fail(key, "must be a table ([\(key)]), not \(node.typeName)")
        }
        return t
    }

    func arrayOfTables(_ root: [String: Node], _ key: String) throws(ConfigError) -> [[String: Node]] {
        guard let node = root[key] else { return [] }
        switch node {
        case .array(let items):
            var tables: [[String: Node]] = []
            for (i, item) in items.enumerated() {
                guard case .table(let t) = item else {
                    throw fail("\(key)[\(i + 1)]", "must be a table, not \(item.typeName)")
                }
                tables.append(t)
            }
            return tables
        case .table:
            throw fail(key, "must be an array of tables: write [[\(key)]], not [\(key)]")
        default:
            throw fail(key, "must be an array of tables ([[\(key)]]), not \(node.typeName)")
        }
    }

    // MARK: Values

    func string(_ t: [String: Node], _ key: String, _ full: String) throws(ConfigError) -> String? {
        guard let node = t[key] else { return nil }
        guard case .string(let s) = node else { throw fail(full, "must be a string, not \(node.typeName)") }
        return s
    }

    func integer(_ t: [String: Node], _ key: String, _ full: String) throws(ConfigError) -> Int? {
        guard let node = t[key] else { return nil }
        guard case .int(let n) = node else { throw fail(full, "must be an integer, not \(node.typeName)") }
        return n
    }

    func required<T>(_ value: T?, _ full: String) throws(ConfigError) -> T {
        guard let value else { throw fail(full, "missing") }
        return value
    }

    func check(_ problem: String?, _ full: String) throws(ConfigError) {
        if let problem { throw fail(full, problem) }
    }

    func inRange(_ n: Int, _ range: ClosedRange<Int>, _ full: String) throws(ConfigError) {
        if !range.contains(n) { throw fail(full, "\(n) is outside \(ConfigRules.range(range))") }
    }

    /// An optional integer key that must lie in `range`.
    func integer(_ t: [String: Node], _ key: String, _ full: String, in range: ClosedRange<Int>) throws(ConfigError) -> Int? {
        guard let n = try integer(t, key, full) else { return nil }
        try inRange(n, range, full)
        return n
    }

    /// A permission mode: a string of octal digits (`example` is its default, shown in
    /// errors), then `rule`, given the value and its text.
    func mode(_ t: [String: Node], _ key: String, _ full: String, example: String,
              rule: (UInt16, String) -> String? = { _, _ in nil }) throws(ConfigError) -> UInt16? {
        guard let node = t[key] else { return nil }
        guard case .string(let s) = node else {
            throw fail(full, "must be a string of octal digits like \"\(example)\", not \(node.typeName)")
        }
        let (value, problem) = ConfigRules.mode(s, example: example)
        try check(problem, full)
        try check(rule(value!, s), full)
        return value!
    }

    // MARK: The configuration

    func configuration(_ root: [String: Node]) throws(ConfigError) -> TapedeckConfiguration {
        // Structure.
        try checkKeys(root, allowed: Schema.root, path: "")
        let control = try subtable(root, "control")
        try checkKeys(control, allowed: Schema.control, path: "control")
        let metrics = try subtable(root, "metrics")
        try checkKeys(metrics, allowed: Schema.metrics, path: "metrics")
        let recording = try subtable(root, "recording")
        try checkKeys(recording, allowed: Schema.recording, path: "recording")
        let deviceTables = try arrayOfTables(root, "device")
        for (i, t) in deviceTables.enumerated() {
            try checkKeys(t, allowed: Schema.device, path: "device[\(i + 1)]")
        }
        let stationTables = try arrayOfTables(root, "station")
        for (i, t) in stationTables.enumerated() {
            try checkKeys(t, allowed: Schema.station, path: "station[\(i + 1)]")
        }
        let webhookTables = try arrayOfTables(root, "webhook")
        for (i, t) in webhookTables.enumerated() {
            try checkKeys(t, allowed: Schema.webhook, path: "webhook[\(i + 1)]")
        }

        // Top level.
        let serverIP = try required(string(root, "server_ip", "server_ip"), "server_ip")
        try check(ConfigRules.serverIP(serverIP), "server_ip")
        let spool = try string(root, "spool", "spool") ?? TapedeckConfiguration.defaultSpool
        try check(ConfigRules.absolutePath(spool), "spool")
        let spoolMode = try mode(root, "spool_mode", "spool_mode", example: "0750", rule: ConfigRules.directoryMode)
            ?? TapedeckConfiguration.defaultSpoolMode
        let database = try string(root, "database", "database") ?? TapedeckConfiguration.defaultDatabase
        try check(ConfigRules.filePath(database), "database")
        let databaseMode = try mode(root, "database_mode", "database_mode", example: "0640", rule: ConfigRules.fileMode)
            ?? TapedeckConfiguration.defaultDatabaseMode

        let controlConfig = try readControl(control)
        var metricsConfig = MetricsConfig()
        if let listen = try string(metrics, "listen", "metrics.listen") {
            try check(ConfigRules.listen(listen), "metrics.listen")
            metricsConfig.listen = listen
        }
        let (defaults, explicitBitrates) = try readRecording(recording)

        var devices: [DeviceConfig] = []
        for (i, t) in deviceTables.enumerated() {
            devices.append(try readDevice(t, index: i + 1, earlier: devices))
        }
        var stations: [StationConfig] = []
        for (i, t) in stationTables.enumerated() {
            stations.append(try readStation(t, index: i + 1, devices: devices, earlier: stations))
        }

        var webhooks: [WebhookConfig] = []
        for (i, t) in webhookTables.enumerated() {
            webhooks.append(try readWebhook(t, index: i + 1, earlier: webhooks))
        }

        // Whole-configuration rules.
        if stations.isEmpty {
            throw fail("station", "none declared; at least one [[station]] is required")
        }
        for (i, device) in devices.enumerated() where !stations.contains(where: { $0.device == device.name }) {
            throw fail("device[\(i + 1)]", "\(ConfigRules.quoted(device.name)) has no station: remove it or add a [[station]] on it")
        }
        for (key, value, explicit) in [("mono_bitrate", defaults.monoBitrate, explicitBitrates.mono),
                                       ("stereo_bitrate", defaults.stereoBitrate, explicitBitrates.stereo)] {
            for device in devices {
                let allowed = MP3Bitrates.at(sampleRate: device.rate)
                guard !allowed.contains(value) else { continue }
                var problem = "\(explicit ? "" : "the default ")\(value) is not an MP3 bitrate at \(device.rate) Hz"
                problem += " (device \(ConfigRules.quoted(device.name)); \(ConfigRules.mpegLayer(rate: device.rate))"
                problem += " takes \(ConfigRules.list(allowed)))"
                if !explicit { problem += "; set recording.\(key)" }
                throw fail("recording.\(key)", problem)
            }
        }

        var configuration = TapedeckConfiguration(serverIP: serverIP, spool: Self.trimmingTrailingSlashes(spool), spoolMode: spoolMode,
                                                  database: database, databaseMode: databaseMode,
                                                  control: controlConfig, metrics: metricsConfig,
                                                  recording: defaults,
                                                  devices: devices, stations: stations)
        configuration.webhooks = webhooks
        return configuration
    }

    static func trimmingTrailingSlashes(_ path: String) -> String {
        var p = Substring(path)
        while p.count > 1, p.hasSuffix("/") { p = p.dropLast() }
        return String(p)
    }

    func readControl(_ t: [String: Node]) throws(ConfigError) -> ControlConfig {
        var config = ControlConfig()
        if let socket = try string(t, "socket", "control.socket") {
            try check(ConfigRules.filePath(socket, maximum: ConfigRules.socketPathMaximumLength), "control.socket")
            config.socket = socket
        }
        if let mode = try mode(t, "mode", "control.mode", example: "0660") { config.mode = mode }
        if let group = try string(t, "group", "control.group") {
            try check(ConfigRules.group(group), "control.group")
            config.group = group
        }
        let limits: [(String, ClosedRange<Int>, WritableKeyPath<ControlConfig, Int>)] = [
            ("max_connections", ConfigRules.maxConnectionsRange, \.maxConnections),
            ("idle_timeout_seconds", ConfigRules.idleTimeoutRange, \.idleTimeoutSeconds),
            ("send_timeout_seconds", ConfigRules.sendTimeoutRange, \.sendTimeoutSeconds),
        ]
        for (key, range, field) in limits {
            if let n = try integer(t, key, "control.\(key)", in: range) { config[keyPath: field] = n }
        }
        return config
    }

    func readRecording(_ t: [String: Node]) throws(ConfigError)
        -> (RecordingDefaults, (mono: Bool, stereo: Bool)) {
        var config = RecordingDefaults()
        if let format = try string(t, "format", "recording.format") {
            guard let f = RecordingFormat(rawValue: format) else {
                throw fail("recording.format", "\(ConfigRules.quoted(format)) is not wav or mp3")
            }
            config.format = f
        }
        let allBitrates = ConfigRules.anyMP3Bitrate
        func bitrate(_ key: String) throws(ConfigError) -> Int? {
            guard let n = try integer(t, key, "recording.\(key)") else { return nil }
            if !allBitrates.contains(n) {
                throw fail("recording.\(key)", "\(n) is not an MP3 bitrate (\(ConfigRules.list(allBitrates)))")
            }
            return n
        }
        let mono = try bitrate("mono_bitrate")
        let stereo = try bitrate("stereo_bitrate")
        if let mono { config.monoBitrate = mono }
        if let stereo { config.stereoBitrate = stereo }
        if let template = try string(t, "template", "recording.template") {
            try check(ConfigRules.template(template), "recording.template")
            config.template = template
        }
        if let template = try string(t, "stereo_template", "recording.stereo_template") {
            try check(ConfigRules.template(template), "recording.stereo_template")
            config.stereoTemplate = template
        }
        if let n = try integer(t, "history_seconds", "recording.history_seconds") {
            try inRange(n, ConfigRules.historyRange, "recording.history_seconds")
            config.historySeconds = n
        }
        if let n = try integer(t, "limit_minutes", "recording.limit_minutes") {
            try inRange(n, ConfigRules.limitRange, "recording.limit_minutes")
            config.limitMinutes = n
        }
        if let node = t["silence_threshold_dbfs"] {
            let key = "recording.silence_threshold_dbfs"
            let value: Double
            let shown: String
            switch node {
            case .int(let n): value = Double(n); shown = String(n)
            case .double(let d): value = d; shown = String(d)
            default: throw fail(key, "must be a number, not \(node.typeName)")
            }
            let r = ConfigRules.silenceRange
            guard r.contains(value) else {
                throw fail(key, "\(shown) is outside \(Int(r.lowerBound))–\(Int(r.upperBound))")
            }
            config.silenceThresholdDBFS = value
        }
        if let policy = try string(t, "api_campaign_policy", "recording.api_campaign_policy") {
            guard let p = APICampaignPolicy(rawValue: policy) else {
                throw fail("recording.api_campaign_policy", "\(ConfigRules.quoted(policy)) is not enforce or ignore")
            }
            config.apiCampaignPolicy = p
        }
        if let n = try integer(t, "max_recordings_per_agent", "recording.max_recordings_per_agent",
                               in: ConfigRules.maxRecordingsPerAgentRange) {
            config.maxRecordingsPerAgent = n
        }
        if let n = try integer(t, "max_recordings", "recording.max_recordings", in: ConfigRules.maxRecordingsRange) {
            config.maxRecordings = n
        }
        if let mode = try mode(t, "file_mode", "recording.file_mode", example: "0640", rule: ConfigRules.fileMode) {
            config.fileMode = mode
        }
        return (config, (mono != nil, stereo != nil))
    }

    func readDevice(_ t: [String: Node], index: Int, earlier: [DeviceConfig]) throws(ConfigError) -> DeviceConfig {
        let p = "device[\(index)]"
        let name = try required(string(t, "name", "\(p).name"), "\(p).name")
        try check(ConfigRules.name(name), "\(p).name")
        if let i = earlier.firstIndex(where: { $0.name == name }) {
            throw fail("\(p).name", "\(ConfigRules.quoted(name)) is already the name of device[\(i + 1)]")
        }
        let pcm = try required(string(t, "pcm", "\(p).pcm"), "\(p).pcm")
        try check(ConfigRules.pcm(pcm), "\(p).pcm")
        if pcm != DeviceConfig.virtualPCM, let other = earlier.first(where: { $0.pcm == pcm }) {
            throw fail("\(p).pcm", "\(ConfigRules.quoted(pcm)) is already the pcm of device \(ConfigRules.quoted(other.name))")
        }
        var device = DeviceConfig(name: name, pcm: pcm)
        if let rate = try integer(t, "rate", "\(p).rate") {
            try inRange(rate, ConfigRules.rateRange, "\(p).rate")
            guard ConfigRules.mpegRates.contains(rate) else {
                throw fail("\(p).rate", "\(rate) is not an MPEG audio rate (\(ConfigRules.list(ConfigRules.mpegRates)))")
            }
            device.rate = rate
        }
        if let channels = try integer(t, "channels", "\(p).channels") {
            try inRange(channels, ConfigRules.channelRange, "\(p).channels")
            device.channels = channels
        }
        if let period = try integer(t, "period_ms", "\(p).period_ms") {
            try inRange(period, ConfigRules.periodRange, "\(p).period_ms")
            device.periodMilliseconds = period
        }
        return device
    }

    func readStation(_ t: [String: Node], index: Int, devices: [DeviceConfig],
                     earlier: [StationConfig]) throws(ConfigError) -> StationConfig {
        let p = "station[\(index)]"
        let name = try required(string(t, "name", "\(p).name"), "\(p).name")
        try check(ConfigRules.name(name), "\(p).name")
        if let i = earlier.firstIndex(where: { $0.name == name }) {
            throw fail("\(p).name", "\(ConfigRules.quoted(name)) is already the name of station[\(i + 1)]")
        }
        let deviceName = try required(string(t, "device", "\(p).device"), "\(p).device")
        guard let device = devices.first(where: { $0.name == deviceName }) else {
            let known = devices.isEmpty ? "no [[device]] is declared"
                : "devices: " + devices.map(\.name).joined(separator: ", ")
            throw fail("\(p).device", "no device named \(ConfigRules.quoted(deviceName)) (\(known))")
        }
        var channels: [Int] = []
        for key in ["agent_channel", "customer_channel"] {
            let full = "\(p).\(key)"
            let channel = try required(integer(t, key, full), full)
            guard (0..<device.channels).contains(channel) else {
                let span = device.channels == 1 ? "1 channel, only 0" : "\(device.channels) channels, 0–\(device.channels - 1)"
                throw fail(full, "\(channel) is outside device \(ConfigRules.quoted(device.name)) (\(span))")
            }
            if let other = earlier.first(where: {
                $0.device == device.name && ($0.agentChannel == channel || $0.customerChannel == channel)
            }) {
                throw fail(full, "channel \(channel) of device \(ConfigRules.quoted(device.name)) is already used by station \(ConfigRules.quoted(other.name))")
            }
            channels.append(channel)
        }
        return StationConfig(name: name, device: device.name, agentChannel: channels[0], customerChannel: channels[1])
    }
}
