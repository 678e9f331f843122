extension ConfigReader {
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
}
