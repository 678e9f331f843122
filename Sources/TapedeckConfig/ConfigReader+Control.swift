extension ConfigReader {
    func readControl(_ t: [String: Node]) throws(ConfigError) -> ControlConfig {
        var config = ControlConfig()
        if let socket = try string(t, "socket", "control.socket") {
            try check(ConfigRules.filePath(socket, maximum: ConfigRules.socketPathMaximumLength), "control.socket")
            config.socket = socket
        }
        if let mode = try mode(t, "mode", "control.mode", example: "0660") { config.mode = mode }
        if let group = try string(t, "group", "control.group") {
            try check(ConfigRules.group(group), "control.group")
            config.group = group
        }
        let limits: [(String, ClosedRange<Int>, WritableKeyPath<ControlConfig, Int>)] = [
            ("max_connections", ConfigRules.maxConnectionsRange, \.maxConnections),
            ("idle_timeout_seconds", ConfigRules.idleTimeoutRange, \.idleTimeoutSeconds),
            ("send_timeout_seconds", ConfigRules.sendTimeoutRange, \.sendTimeoutSeconds),
        ]
        for (key, range, field) in limits {
            if let n = try integer(t, key, "control.\(key)", in: range) { config[keyPath: field] = n }
        }
        return config
    }
}
