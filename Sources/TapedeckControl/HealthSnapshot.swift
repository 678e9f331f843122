import Foundation

/// What `function=health` reports — each capture device up, stalled (open but
/// delivering no audio) or down, each station (in its device's state), the recordings
/// running and the daemon's uptime. The overall ``status`` follows from the devices.
public struct HealthSnapshot: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable, CaseIterable {
        /// Every device captures.
        case ok
        /// Some device is down or stalled; stations on the others record.
        case degraded
        /// No device captures (nothing can be recorded).
        case down

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

    public struct Device: Sendable, Hashable {
        public var name: String
        public var pcm: String
        /// Open and delivering audio.
        public var up: Bool
        /// Open, but it has delivered no audio for a while (not up either).
        public var stalled: Bool
        /// Why it is down or stalled (nil when up).
        public var error: String?

        public init(name: String, pcm: String, up: Bool, stalled: Bool = false, error: String? = nil) {
            self.name = name
            self.pcm = pcm
            self.up = up
            self.stalled = stalled
            self.error = error
        }
    }

    public struct Station: Sendable, Hashable {
        public var name: String
        public var device: String
        public var up: Bool
        /// Its device is stalled.
        public var stalled: Bool
        /// The agent logged in there, if any.
        public var agentUser: String?
        public var recordingsActive: Int

        public init(name: String, device: String, up: Bool, stalled: Bool = false, agentUser: String? = nil,
                    recordingsActive: Int = 0) {
            self.name = name
            self.device = device
            self.up = up
            self.stalled = stalled
            self.agentUser = agentUser
            self.recordingsActive = recordingsActive
        }
    }

    public var devices: [Device]
    public var stations: [Station]
    public var recordingsActive: Int
    public var uptimeSeconds: Double

    public init(devices: [Device], stations: [Station], recordingsActive: Int, uptimeSeconds: Double) {
        self.devices = devices
        self.stations = stations
        self.recordingsActive = recordingsActive
        self.uptimeSeconds = uptimeSeconds
    }

    public var devicesUp: Int { devices.filter(\.up).count }

    /// ok when every device is up, down when none is, degraded in between.
    public var status: Status {
        let up = devicesUp
        if up == devices.count { return .ok }
        return up == 0 ? .down : .degraded
    }

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
