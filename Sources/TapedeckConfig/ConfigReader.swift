import TapedeckVocabulary

/// Validation, in a fixed order so the error reported is always the same one:
/// first the structure (tables, arrays of tables, unknown keys, in the order
/// root, control, metrics, recording, each device, each station), then the values in
/// the same order, then what needs several values (channels, bitrates).
struct ConfigReader {
    let source: String

    func fail(_ key: String?, _ problem: String) -> ConfigError {
        ConfigError(source: source, key: key, problem: problem)
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
}
