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
}
