extension ConfigReader {
    func readDevice(_ t: [String: Node], index: Int, earlier: [DeviceConfig]) throws(ConfigError) -> DeviceConfig {
        let p = "device[\(index)]"
        let name = try required(string(t, "name", "\(p).name"), "\(p).name")
        try check(ConfigRules.name(name), "\(p).name")
        if let i = earlier.firstIndex(where: { $0.name == name }) {
            throw fail("\(p).name", "\(ConfigRules.quoted(name)) is already the name of device[\(i + 1)]")
        }
        let pcm = try required(string(t, "pcm", "\(p).pcm"), "\(p).pcm")
        try check(ConfigRules.pcm(pcm), "\(p).pcm")
        if pcm != DeviceConfig.virtualPCM, let other = earlier.first(where: { $0.pcm == pcm }) {
            throw fail("\(p).pcm", "\(ConfigRules.quoted(pcm)) is already the pcm of device \(ConfigRules.quoted(other.name))")
        }
        var device = DeviceConfig(name: name, pcm: pcm)
        if let rate = try integer(t, "rate", "\(p).rate") {
            try inRange(rate, ConfigRules.rateRange, "\(p).rate")
            guard ConfigRules.mpegRates.contains(rate) else {
                throw fail("\(p).rate", "\(rate) is not an MPEG audio rate (\(ConfigRules.list(ConfigRules.mpegRates)))")
            }
            device.rate = rate
        }
        if let channels = try integer(t, "channels", "\(p).channels") {
            try inRange(channels, ConfigRules.channelRange, "\(p).channels")
            device.channels = channels
        }
        if let period = try integer(t, "period_ms", "\(p).period_ms") {
            try inRange(period, ConfigRules.periodRange, "\(p).period_ms")
            device.periodMilliseconds = period
        }
        if let speech = try string(t, "speech", "\(p).speech") {
            guard pcm == DeviceConfig.virtualPCM else {
                throw fail("\(p).speech", "only a virtual device (pcm = \"virtual\") plays a file")
            }
            try check(ConfigRules.absolutePath(speech), "\(p).speech")
            device.speech = speech
        }
        return device
    }
}
