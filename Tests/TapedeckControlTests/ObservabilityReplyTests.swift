import Foundation
import Testing
@testable import TapedeckControl

/// Issue 6: function=metrics and function=health — parsing and both reply forms, byte for byte.
@Suite struct ObservabilityReplyTests {
    static let twoUp = HealthSnapshot(
        devices: [.init(name: "pbx1", pcm: "hw:1", up: true), .init(name: "pbx2", pcm: "hw:2", up: true)],
        stations: [.init(name: "st1", device: "pbx1", up: true, agentUser: "1000", recordingsActive: 2),
                   .init(name: "st2", device: "pbx2", up: true)],
        recordingsActive: 2, uptimeSeconds: 3725.5)

    static var oneDown: HealthSnapshot {
        var h = twoUp
        h.devices[1] = .init(name: "pbx2", pcm: "hw:2", up: false, error: "hw:2: capture failed|No such device")
        h.stations[1].up = false
        return h
    }

    /// pbx2 open but silent: stalled, not up.
    static var oneStalled: HealthSnapshot {
        var h = twoUp
        h.devices[1] = .init(name: "pbx2", pcm: "hw:2", up: false, stalled: true, error: "no audio for 4.2 s")
        h.stations[1].up = false
        h.stations[1].stalled = true
        return h
    }

    static var allDown: HealthSnapshot {
        var h = oneDown
        h.devices[0] = .init(name: "pbx1", pcm: "hw:1", up: false)
        h.stations[0].up = false
        h.recordingsActive = 0
        h.stations[0].recordingsActive = 0
        return h
    }

    // MARK: parsing

    @Test func probesParseInBothForms() {
        func probe(_ line: String) -> ControlRequest? {
            if case .success(let r) = ControlRequest.parse(line) { return r }
            return nil
        }
        #expect(probe("function=metrics") == .probe(.metrics, form: .text))
        #expect(probe("function=health&user=x&pass=y&source=z&junk=1") == .probe(.health, form: .text))
        #expect(probe(#"{"function":"metrics"}"#) == .probe(.metrics, form: .json))
        #expect(probe(#" {"function":"health","source":"nagios"}"#) == .probe(.health, form: .json))
        #expect(probe("function=health")?.functionName == .health)
        // Every other function is still a command.
        #expect(probe("function=logout&agent_user=1000") == .command(Request(form: .text, command: .logout(agentUser: "1000"))))
    }

    @Test func probeNamesAreFunctionNames() {
        #expect(FunctionName(rawValue: "metrics") == .metrics)
        #expect(FunctionName(rawValue: "health") == .health)
        #expect(Probe.allCases.map(\.functionName) == [.metrics, .health])
    }

    @Test func probeFailuresAreTheUsualOnes() {
        guard case .failure(let f) = ControlRequest.parse("function=Metrics") else { Issue.record("parsed"); return }
        #expect(f.rendered(timeZone: Fixture.zone) == "ERROR: function not valid - Metrics\n")
        guard case .failure(let j) = ControlRequest.parse(#"{"function":"health""#) else { Issue.record("parsed"); return }
        #expect(j.form == .json)
    }

    /// Request.parse (commands only) refuses the probes as unknown functions.
    @Test func requestParseRefusesProbes() {
        #expect(Fixture.failure("function=metrics")?.failure == .unknownFunction("metrics"))
    }

    // MARK: metrics

    static let exposition = "# HELP tapedeck_agents_logged_in Agents logged in.\n# TYPE tapedeck_agents_logged_in gauge\ntapedeck_agents_logged_in 1\n"

    @Test func metricsText() {
        #expect(Fixture.text(.metrics(Self.exposition)) == Self.exposition + "\n")
        // A text without its last newline still ends in one line break, then the empty line.
        #expect(Fixture.text(.metrics("a 1")) == "a 1\n\n")
    }

    @Test func metricsJSON() {
        #expect(Fixture.json(.metrics(Self.exposition))
                == ##"{"data":{"metrics":"# HELP tapedeck_agents_logged_in Agents logged in.\n# TYPE tapedeck_agents_logged_in gauge\ntapedeck_agents_logged_in 1\n"}}"## + "\n")
    }

    // MARK: health

    @Test func healthStatus() {
        #expect(Self.twoUp.status == .ok)
        #expect(Self.oneDown.status == .degraded)
        #expect(Self.allDown.status == .down)
        #expect(Self.oneStalled.status == .degraded)
        var bothStalled = Self.oneStalled
        bothStalled.devices[0] = .init(name: "pbx1", pcm: "hw:1", up: false, stalled: true, error: "no audio for 2.0 s")
        #expect(bothStalled.status == .down)
    }

    @Test func stalledDeviceInHealth() {
        #expect(Fixture.text(.health(Self.oneStalled))
                == "WARNING: tapedeckd degraded - devices 1/2 up|stations 2|recordings 2|pbx2 stalled: no audio for 4.2 s\n")
        #expect(Fixture.json(.health(Self.oneStalled)) == #"{"data":{"status":"degraded","devices":[{"name":"pbx1","pcm":"hw:1","state":"up","error":null},{"name":"pbx2","pcm":"hw:2","state":"stalled","error":"no audio for 4.2 s"}],"stations":[{"name":"st1","device":"pbx1","state":"up","agent_user":"1000","recordings_active":2},{"name":"st2","device":"pbx2","state":"stalled","agent_user":null,"recordings_active":0}],"recordings_active":2,"uptime_seconds":3725.5}}"# + "\n")
    }

    @Test func healthText() {
        #expect(Fixture.text(.health(Self.twoUp)) == "OK: tapedeckd healthy - devices 2/2 up|stations 2|recordings 2\n")
        #expect(Fixture.text(.health(Self.oneDown))
                == "WARNING: tapedeckd degraded - devices 1/2 up|stations 2|recordings 2|pbx2 down: hw:2: capture failed?No such device\n")
        #expect(Fixture.text(.health(Self.allDown))
                == "CRITICAL: tapedeckd down - devices 0/2 up|stations 2|recordings 0|pbx1 down: not capturing|pbx2 down: hw:2: capture failed?No such device\n")
    }

    @Test func healthJSON() {
        #expect(Fixture.json(.health(Self.twoUp)) == #"{"data":{"status":"ok","devices":[{"name":"pbx1","pcm":"hw:1","state":"up","error":null},{"name":"pbx2","pcm":"hw:2","state":"up","error":null}],"stations":[{"name":"st1","device":"pbx1","state":"up","agent_user":"1000","recordings_active":2},{"name":"st2","device":"pbx2","state":"up","agent_user":null,"recordings_active":0}],"recordings_active":2,"uptime_seconds":3725.5}}"# + "\n")
        #expect(Fixture.json(.health(Self.oneDown)) == #"{"data":{"status":"degraded","devices":[{"name":"pbx1","pcm":"hw:1","state":"up","error":null},{"name":"pbx2","pcm":"hw:2","state":"down","error":"hw:2: capture failed|No such device"}],"stations":[{"name":"st1","device":"pbx1","state":"up","agent_user":"1000","recordings_active":2},{"name":"st2","device":"pbx2","state":"down","agent_user":null,"recordings_active":0}],"recordings_active":2,"uptime_seconds":3725.5}}"# + "\n")
    }
}
