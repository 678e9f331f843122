import TapedeckVocabulary

extension ConfigReader {
    func strings(_ t: [String: Node], _ key: String, _ full: String) throws(ConfigError) -> [String]? {
        guard let node = t[key] else { return nil }
        guard case .array(let items) = node else { throw fail(full, "must be an array of strings, not \(node.typeName)") }
        var out: [String] = []
        for (i, item) in items.enumerated() {
            guard case .string(let s) = item else { throw fail("\(full)[\(i + 1)]", "must be a string, not \(item.typeName)") }
            out.append(s)
        }
        return out
    }

    func seconds(_ t: [String: Node], _ key: String, _ full: String, in range: ClosedRange<Double>) throws(ConfigError) -> Double? {
        guard let node = t[key] else { return nil }
        let value: Double
        switch node {
        case .int(let n): value = Double(n)
        case .double(let d): value = d
        default: throw fail(full, "must be a number of seconds, not \(node.typeName)")
        }
        guard range.contains(value) else { throw fail(full, "\(value) is outside \(range.lowerBound)–\(range.upperBound)") }
        return value
    }

    /// `http://host…` or `https://host…`, printable ASCII without spaces, at most 2048 bytes.
    static func httpURLProblem(_ url: String) -> String? {
        switch HTTPURL.problem(url) {
        case nil: nil
        case .tooLong: "is longer than \(HTTPURL.maximumLength) bytes"
        case .notPrintableASCII: "must be printable ASCII without spaces"
        case .noScheme: "must begin with http:// or https://"
        case .noHost: "has no host"
        }
    }

    func readWebhook(_ t: [String: Node], index: Int, earlier: [WebhookConfig]) throws(ConfigError) -> WebhookConfig {
        let p = "webhook[\(index)]"
        let name = try required(string(t, "name", "\(p).name"), "\(p).name")
        try check(ConfigRules.name(name), "\(p).name")
        if let i = earlier.firstIndex(where: { $0.name == name }) {
            throw fail("\(p).name", "\(ConfigRules.quoted(name)) is already the name of webhook[\(i + 1)]")
        }
        let url = try string(t, "url", "\(p).url")
        if let url { try check(Self.httpURLProblem(url), "\(p).url") }
        let prefixes = try strings(t, "callback_prefixes", "\(p).callback_prefixes") ?? []
        for (i, prefix) in prefixes.enumerated() {
            try check(Self.httpURLProblem(prefix), "\(p).callback_prefixes[\(i + 1)]")
        }
        if url == nil && prefixes.isEmpty {
            throw fail("\(p).url", "missing (an endpoint without url needs callback_prefixes)")
        }
        let secret = try required(string(t, "secret", "\(p).secret"), "\(p).secret")
        if secret.utf8.count < 16 { throw fail("\(p).secret", "must be at least 16 bytes") }
        var webhook = WebhookConfig(name: name, url: url, secret: secret, callbackPrefixes: prefixes)
        if let events = try strings(t, "events", "\(p).events") {
            if events.isEmpty { throw fail("\(p).events", "is empty (leave it out for every event)") }
            for (i, e) in events.enumerated() {
                let families = Set(WebhookConfig.eventNames.map { String($0.prefix { $0 != "." }) + ".*" })
                guard e == "*" || WebhookConfig.eventNames.contains(e) || families.contains(e) else {
                    throw fail("\(p).events[\(i + 1)]", "\(ConfigRules.quoted(e)) is not an event (\(WebhookConfig.eventNames.joined(separator: ", ")), or recording.*, agent.*, station.*, *)")
                }
            }
            webhook.events = events
        }
        if let n = try integer(t, "timeout_seconds", "\(p).timeout_seconds", in: 1...300) { webhook.timeoutSeconds = n }
        if let n = try integer(t, "horizon_seconds", "\(p).horizon_seconds", in: 1...2_592_000) { webhook.horizonSeconds = n }
        if let s = try seconds(t, "backoff_base_seconds", "\(p).backoff_base_seconds", in: 0.01...3600) { webhook.backoffBaseSeconds = s }
        if let s = try seconds(t, "backoff_cap_seconds", "\(p).backoff_cap_seconds", in: 0.01...86_400) { webhook.backoffCapSeconds = s }
        if webhook.backoffCapSeconds < webhook.backoffBaseSeconds {
            throw fail("\(p).backoff_cap_seconds", "must be at least backoff_base_seconds (\(webhook.backoffBaseSeconds))")
        }
        if let ca = try string(t, "ca_file", "\(p).ca_file") {
            try check(ConfigRules.absolutePath(ca), "\(p).ca_file")
            webhook.caFile = ca
        }
        return webhook
    }
}
