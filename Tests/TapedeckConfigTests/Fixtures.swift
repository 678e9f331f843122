import TapedeckConfig

/// The name every error line in these tests starts with.
let etc = "/etc/tapedeck/tapedeck.toml"

/// A configuration text built from parts; the defaults make the smallest valid one.
func toml(top: String = "server_ip = \"10.0.0.5\"",
          control: String? = nil,
          recording: String? = nil,
          devices: [String] = ["name = \"card1\"\npcm = \"hw:1,0\"\nchannels = 8"],
          stations: [String] = ["name = \"st1\"\ndevice = \"card1\"\nagent_channel = 0\ncustomer_channel = 1"]) -> String {
    var parts = [top]
    if let control { parts.append("[control]\n" + control) }
    if let recording { parts.append("[recording]\n" + recording) }
    parts += devices.map { "[[device]]\n" + $0 }
    parts += stations.map { "[[station]]\n" + $0 }
    return parts.joined(separator: "\n") + "\n"
}

func device(_ name: String, pcm: String? = nil, _ extra: String = "") -> String {
    "name = \"\(name)\"\npcm = \"\(pcm ?? "hw:\(name)")\"\n" + extra
}

func station(_ name: String, _ agent: Int, _ customer: Int) -> String {
    station(name, "card1", agent, customer)
}

func station(_ name: String, _ device: String, _ agent: Int, _ customer: Int) -> String {
    "name = \"\(name)\"\ndevice = \"\(device)\"\nagent_channel = \(agent)\ncustomer_channel = \(customer)"
}

/// The error line `parse` gives for `text`, or nil when it parses.
func errorLine(_ text: String, source: String = etc) -> String? {
    do {
        _ = try TapedeckConfiguration.parse(text: text, source: source)
        return nil
    } catch {
        return error.description
    }
}

/// The repository folder, found from this file.
let repositoryRoot: String = {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3) // Tests/TapedeckConfigTests/Fixtures.swift
    return parts.joined(separator: "/")
}()
