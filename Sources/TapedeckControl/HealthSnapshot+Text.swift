extension HealthSnapshot.Status {
    /// The Nagios word of the text line.
    public var nagiosWord: String {
        switch self {
        case .ok: "OK"
        case .degraded: "WARNING"
        case .down: "CRITICAL"
        }
    }

    /// The word after `tapedeckd` in the text line.
    public var summary: String {
        switch self {
        case .ok: "healthy"
        case .degraded: "degraded"
        case .down: "down"
        }
    }
}

extension HealthSnapshot {
    /// `OK: tapedeckd healthy - devices 2/2 up|stations 8|recordings 3`, then one field per
    /// device that is not up: `<name> down: <error>` or `<name> stalled: <error>` (no newline).
    public var textLine: String {
        var fields = ["devices \(devicesUp)/\(devices.count) up", "stations \(stations.count)",
                      "recordings \(recordingsActive)"]
        for d in devices where !d.up {
            fields.append("\(d.name) \(d.stalled ? "stalled" : "down"): \(d.error ?? "not capturing")")
        }
        return "\(status.nagiosWord): tapedeckd \(status.summary) - " + Text.fields(fields)
    }
}
