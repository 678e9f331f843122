import Testing
import TapedeckConfig

@Suite struct WebhookConfigTests {
    func config(_ webhooks: String...) -> String {
        toml() + webhooks.map { "[[webhook]]\n" + $0 + "\n" }.joined()
    }

    @Test func everyKeyAndTheDefaults() throws {
        let c = try TapedeckConfiguration.parse(text: config(
            "name = \"api\"\nurl = \"https://api.example/hooks\"\nsecret = \"0123456789abcdef\"",
            """
            name = "cb"
            secret = "fedcba9876543210"
            events = ["recording.*", "agent.login"]
            callback_prefixes = ["https://api.example/cb/"]
            timeout_seconds = 3
            horizon_seconds = 600
            backoff_base_seconds = 0.5
            backoff_cap_seconds = 30
            ca_file = "/etc/tapedeck/ca.pem"
            """), source: etc)
        #expect(c.webhooks == [
            WebhookConfig(name: "api", url: "https://api.example/hooks", secret: "0123456789abcdef"),
            WebhookConfig(name: "cb", url: nil, secret: "fedcba9876543210", events: ["recording.*", "agent.login"],
                          callbackPrefixes: ["https://api.example/cb/"], timeoutSeconds: 3, horizonSeconds: 600,
                          backoffBaseSeconds: 0.5, backoffCapSeconds: 30, caFile: "/etc/tapedeck/ca.pem"),
        ])
        #expect(c.webhooks[0].events == ["*"] && c.webhooks[0].timeoutSeconds == 10 && c.webhooks[0].horizonSeconds == 86_400)
    }

    static let errors: [(String, String)] = [
        ("name = \"a\"\nsecret = \"0123456789abcdef\"", "webhook[1].url: missing (an endpoint without url needs callback_prefixes)"),
        ("name = \"a\"\nurl = \"ftp://x/\"\nsecret = \"0123456789abcdef\"", "webhook[1].url: must begin with http:// or https://"),
        ("name = \"a\"\nurl = \"http:///x\"\nsecret = \"0123456789abcdef\"", "webhook[1].url: has no host"),
        ("name = \"a\"\nurl = \"http://x/\"\nsecret = \"short\"", "webhook[1].secret: must be at least 16 bytes"),
        ("name = \"a\"\nurl = \"http://x/\"", "webhook[1].secret: missing"),
        ("name = \"a\"\nurl = \"http://x/\"\nsecret = \"0123456789abcdef\"\nevents = [\"recording.stopped\"]",
         "webhook[1].events[1]: \"recording.stopped\" is not an event (recording.started, recording.paused, recording.resumed, recording.completed, recording.failed, recording.discarded, agent.login, agent.logout, station.down, station.up, or recording.*, agent.*, station.*, *)"),
        ("name = \"a\"\nurl = \"http://x/\"\nsecret = \"0123456789abcdef\"\nbackoff_base_seconds = 10\nbackoff_cap_seconds = 5",
         "webhook[1].backoff_cap_seconds: must be at least backoff_base_seconds (10.0)"),
        ("name = \"a\"\nurl = \"http://x/\"\nsecret = \"0123456789abcdef\"\ntimeout_seconds = 0", "webhook[1].timeout_seconds: 0 is outside 1–300"),
        ("name = \"a\"\nurl = \"http://x/\"\nsecret = \"0123456789abcdef\"\nca_file = \"ca.pem\"", "webhook[1].ca_file: \"ca.pem\" is not an absolute path"),
        ("name = \"a\"\nurl = \"http://x/\"\nsecret = \"0123456789abcdef\"\nretries = 3", "unknown key \"webhook[1].retries\""),
    ]

    @Test(arguments: errors) func refusals(_ c: (String, String)) {
        #expect(errorLine(config(c.0)) == "\(etc): \(c.1)")
    }

    @Test func namesAreUnique() {
        let w = "name = \"a\"\nurl = \"http://x/\"\nsecret = \"0123456789abcdef\""
        #expect(errorLine(config(w, w)) == "\(etc): webhook[2].name: \"a\" is already the name of webhook[1]")
    }
}
