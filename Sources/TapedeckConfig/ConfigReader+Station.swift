extension ConfigReader {
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
