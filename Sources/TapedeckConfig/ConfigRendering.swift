import TapedeckVocabulary

extension TapedeckConfiguration {
    /// This configuration as a complete TOML file (every key written out, no
    /// comments), which ``parse(text:source:)`` reads back to an equal value:
    /// for `tapedeckd --print-config`, or to write the demo configuration.
    public func tomlText() -> String {
        var lines: [String] = []
        func add(_ key: String, _ value: String) { lines.append("\(key) = \(value)") }
        add("server_ip", Self.tomlString(serverIP))
        add("spool", Self.tomlString(spool))
        add("spool_mode", Self.tomlString(ConfigRules.octal(spoolMode)))
        add("database", Self.tomlString(database))
        add("database_mode", Self.tomlString(ConfigRules.octal(databaseMode)))
        lines.append("")
        lines.append("[control]")
        add("socket", Self.tomlString(control.socket))
        add("mode", Self.tomlString(control.modeString))
        if let group = control.group { add("group", Self.tomlString(group)) }
        add("max_connections", String(control.maxConnections))
        add("idle_timeout_seconds", String(control.idleTimeoutSeconds))
        add("send_timeout_seconds", String(control.sendTimeoutSeconds))
        if let listen = metrics.listen {
            lines.append("")
            lines.append("[metrics]")
            add("listen", Self.tomlString(listen))
        }
        lines.append("")
        lines.append("[recording]")
        add("format", Self.tomlString(recording.format.rawValue))
        add("mono_bitrate", String(recording.monoBitrate))
        add("stereo_bitrate", String(recording.stereoBitrate))
        add("template", Self.tomlString(recording.template))
        add("stereo_template", Self.tomlString(recording.stereoTemplate))
        add("history_seconds", String(recording.historySeconds))
        add("limit_minutes", String(recording.limitMinutes))
        let dbfs = recording.silenceThresholdDBFS
        add("silence_threshold_dbfs", dbfs == dbfs.rounded() && abs(dbfs) < 1e15 ? String(Int(dbfs)) : String(dbfs))
        add("api_campaign_policy", Self.tomlString(recording.apiCampaignPolicy.rawValue))
        add("max_recordings_per_agent", String(recording.maxRecordingsPerAgent))
        add("max_recordings", String(recording.maxRecordings))
        add("file_mode", Self.tomlString(ConfigRules.octal(recording.fileMode)))
        for device in devices {
            lines.append("")
            lines.append("[[device]]")
            add("name", Self.tomlString(device.name))
            add("pcm", Self.tomlString(device.pcm))
            add("rate", String(device.rate))
            add("channels", String(device.channels))
            add("period_ms", String(device.periodMilliseconds))
            if let speech = device.speech { add("speech", Self.tomlString(speech)) }
        }
        for station in stations {
            lines.append("")
            lines.append("[[station]]")
            add("name", Self.tomlString(station.name))
            add("device", Self.tomlString(station.device))
            add("agent_channel", String(station.agentChannel))
            add("customer_channel", String(station.customerChannel))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// This configuration put through the file's validation (for one built in
    /// code, such as ``virtualDemo(spool:socket:database:serverIP:)`` with paths
    /// from the command line): itself, or the error a file with it would give,
    /// naming `source`.
    public func validated(source: String) throws(ConfigError) -> TapedeckConfiguration {
        try Self.parse(text: tomlText(), source: source)
    }

    /// A TOML basic string: JSON's string syntax, which TOML's basic strings include.
    static func tomlString(_ s: String) -> String {
        JSONValue.quoted(s)
    }
}
