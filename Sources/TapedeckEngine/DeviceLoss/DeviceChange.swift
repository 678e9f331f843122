/// What happened to a device.
public enum DeviceChange: Sendable {
    /// The device failed; its stations are down.
    case down(device: String, stations: [String], reason: String)
    /// The device was reopened; its stations capture again.
    case up(device: String, stations: [String])
}
