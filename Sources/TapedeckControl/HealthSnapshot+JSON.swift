extension HealthSnapshot {
    /// Key order: status, devices (name, pcm, state, error), stations (name, device, state,
    /// agent_user, recordings_active), recordings_active, uptime_seconds. A state is `up`,
    /// `stalled` or `down`.
    public var json: JSONValue { .object(jsonMembers) }

    public var jsonMembers: [(String, JSONValue)] {
        func state(_ up: Bool, _ stalled: Bool) -> JSONValue { .string(up ? "up" : stalled ? "stalled" : "down") }
        return [
            ("status", .string(status.rawValue)),
            ("devices", .array(devices.map { d in
                .object([("name", .string(d.name)), ("pcm", .string(d.pcm)), ("state", state(d.up, d.stalled)),
                         ("error", d.error.map(JSONValue.string) ?? .null)])
            })),
            ("stations", .array(stations.map { s in
                .object([("name", .string(s.name)), ("device", .string(s.device)), ("state", state(s.up, s.stalled)),
                         ("agent_user", s.agentUser.map(JSONValue.string) ?? .null),
                         ("recordings_active", .integer(Int64(s.recordingsActive)))])
            })),
            ("recordings_active", .integer(Int64(recordingsActive))),
            ("uptime_seconds", .seconds(uptimeSeconds)),
        ]
    }
}
