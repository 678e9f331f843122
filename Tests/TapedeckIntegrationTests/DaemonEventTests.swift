import Foundation
import Testing
import TapedeckTestSupport

@Suite struct DaemonEventTests {
    func parse(_ line: String?) -> [String: Any] {
        guard let line, let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            Issue.record("not a JSON object: \(line ?? "nil")")
            return [:]
        }
        return o
    }

    @Test func subscribersSeeAgentsAndRecordings() throws {
        let daemon = try DaemonHarness.virtual()
        try daemon.start()
        let events = try daemon.connect()
        #expect(events.request("function=subscribe")?.hasPrefix("SUCCESS") == true)
        let c = try daemon.connect()
        _ = c.request("function=login&agent_user=1000&station=st1&session_id=8600051")
        _ = c.request("function=recording&agent_user=1000&value=START")
        #expect(c.waitForRecorded(agent: "1000", seconds: 0.5))
        _ = c.request("function=recording&agent_user=1000&value=STOP")
        _ = c.request("function=logout&agent_user=1000")

        let login = parse(events.readLine())
        #expect(login["event"] as? String == "agent.login")
        #expect((login["agent"] as? [String: Any])?["agent_user"] as? String == "1000")
        #expect(login["created_at"] is String)
        let started = parse(events.readLine())
        #expect(started["event"] as? String == "recording.started")
        let rec = started["recording"] as? [String: Any] ?? [:]
        #expect(rec["status"] as? String == "started")
        let completed = parse(events.readLine())
        #expect(completed["event"] as? String == "recording.completed")
        let done = completed["recording"] as? [String: Any] ?? [:]
        #expect(done["id"] as? Int == rec["id"] as? Int)
        #expect(done["status"] as? String == "completed")
        #expect((done["duration_seconds"] as? Double ?? 0) >= 0.45)
        #expect((done["size_bytes"] as? Int ?? 0) > 7000)
        #expect(parse(events.readLine())["event"] as? String == "agent.logout")
        daemon.stop()
    }
}
