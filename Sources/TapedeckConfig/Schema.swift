/// The keys each table may hold.
enum Schema {
    static let root = ["server_ip", "spool", "spool_mode", "database", "database_mode", "control", "metrics",
                       "recording", "device", "station", "webhook"]
    static let control = ["socket", "mode", "group", "max_connections", "idle_timeout_seconds", "send_timeout_seconds"]
    static let metrics = ["listen"]
    static let recording = ["format", "mono_bitrate", "stereo_bitrate", "template", "stereo_template",
                            "history_seconds", "limit_minutes", "silence_threshold_dbfs", "api_campaign_policy",
                            "max_recordings_per_agent", "max_recordings", "file_mode"]
    static let device = ["name", "pcm", "rate", "channels", "period_ms", "speech"]
    static let station = ["name", "device", "agent_channel", "customer_channel"]
    static let webhook = ["name", "url", "secret", "events", "callback_prefixes", "timeout_seconds", "horizon_seconds",
                          "backoff_base_seconds", "backoff_cap_seconds", "ca_file"]
}
