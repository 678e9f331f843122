import Foundation
import Testing
import TapedeckTestSupport

/// Bad input gets its error and never disturbs the daemon or its other clients.
@Suite struct DaemonInputTests {
    @Test func badInputGetsItsErrorAndTheDaemonCarriesOn() throws {
        let daemon = try DaemonHarness.virtual()
        try daemon.start()
        let other = try daemon.connect()
        #expect(other.request("function=login&agent_user=2000&station=st2&session_id=8600052")?.hasPrefix("SUCCESS") == true)
        #expect(other.request("function=recording&agent_user=2000&value=START")?.hasPrefix("SUCCESS") == true)

        let c = try daemon.connect()
        #expect(c.request("function=bogus&agent_user=1000") == "ERROR: function not valid - bogus")
        #expect(c.request("function=recording&value=START") == "ERROR: recording not valid - START|")
        let badJSON = c.request(#"{"function":"recording","#) ?? ""
        #expect(badJSON.hasPrefix(#"{"error":{"code":"invalid_json","#), "\(badJSON)")
        let unknown = c.request(#"{"function":"bogus"}"#) ?? ""
        #expect(unknown.hasPrefix(#"{"error":{"code":"unknown_function","#), "\(unknown)")
        let notIn = c.request(#"{"function":"recording","agent_user":"1000","value":"START"}"#) ?? ""
        #expect(notIn.hasPrefix(#"{"error":{"code":"agent_not_logged_in","#), "\(notIn)")
        c.sendRaw(Array("function=recording&agent_user=10".utf8) + [0xFF, 0xFE] + Array("00&value=START\n".utf8))
        #expect(c.readLine()?.hasPrefix("ERROR:") == true)
        #expect(c.request(#"{"function":"login","agent_user":"1000","station":"nope","session_id":"1"}"#)?
            .hasPrefix(#"{"error":{"code":"unknown_station","#) == true)
        #expect(c.request(#"{"function":"login","agent_user":"1000","station":"st2","session_id":"1"}"#)?
            .hasPrefix(#"{"error":{"code":"station_in_use","#) == true)

        // A line over 8 KiB: an error, then the connection is closed.
        let long = try daemon.connect()
        long.sendRaw(Array(("function=recording&agent_user=1000&stage=" + String(repeating: "x", count: 9000) + "\n").utf8))
        #expect(long.readLine()?.hasPrefix("ERROR:") == true)
        #expect(long.isClosedByPeer())

        // A half line at EOF gets its error.
        let half = try daemon.connect()
        half.sendRaw(Array("function=recording&agent_user=1000&value=STA".utf8))
        half.shutdownWrite()
        #expect(half.readLine()?.hasPrefix("ERROR:") == true)

        // The other client's recording went on undisturbed.
        #expect(other.request("function=recording&agent_user=2000&value=STOP")
                == "SUCCESS: recording function sent - 2000|STOP||||10.0.0.5|8600052|PAUSED")
        daemon.stop()
    }

    @Test func manyClientsAtOnce() async throws {
        let daemon = try DaemonHarness.virtual(stations: 16)
        try daemon.start()
        try await withThrowingTaskGroup(of: [String?].self) { group in
            for i in 1...16 {
                group.addTask {
                    let c = try daemon.connect()
                    var lines: [String?] = []
                    lines.append(c.request("function=login&agent_user=\(1000 + i)&station=st\(i)&session_id=\(8600000 + i)"))
                    for _ in 0..<3 { lines.append(c.request("function=recording&agent_user=\(1000 + i)&value=START")) }
                    #expect(c.waitForRecorded(agent: "\(1000 + i)", count: 3, seconds: 0.3))
                    lines.append(c.request("function=recording&agent_user=\(1000 + i)&value=STOP"))
                    lines.append(c.request("function=logout&agent_user=\(1000 + i)"))
                    return lines
                }
            }
            var count = 0
            for try await lines in group {
                count += 1
                #expect(lines.count == 6)
                #expect(lines.allSatisfy { $0?.hasPrefix("SUCCESS: ") == true }, "\(lines)")
            }
            #expect(count == 16)
        }
        daemon.stop()
        #expect(try daemon.recordings().count == 48)
    }
}
