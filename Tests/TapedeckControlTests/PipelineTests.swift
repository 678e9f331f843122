import Foundation
import Testing
@testable import TapedeckControl

/// The daemon's loop without I/O: bytes in, reply lines out, with a toy
/// domain where agent 1000 is logged in and nothing is recording.
@Suite struct PipelineTests {
    func handle(_ request: Request) -> Reply {
        let agent = Fixture.agent
        switch request.command {
        case .recording(let c) where c.agentUser != agent.agentUser:
            return .failure(.agentNotLoggedIn(agentUser: c.agentUser))
        case .recording(let c):
            switch c.action {
            case .stop: return .failure(.nothingRunning(c.function, .stop, agent))
            case .status: return .recordingStatus(c.function, agent, active: [])
            default: return .failure(.startFailed(c.function, agent, reason: "no device"))
            }
        default:
            return .subscribed
        }
    }

    func run(_ chunks: [String]) -> [String] {
        var framer = LineFramer(maximumLineLength: 200)
        var replies: [String] = []
        var outputs: [LineFramer.Output] = []
        for chunk in chunks { outputs += framer.feed(Array(chunk.utf8)) }
        outputs += framer.finish()
        for output in outputs {
            if let failure = framer.failure(for: output) {
                replies.append(failure.rendered(timeZone: Fixture.zone))
                continue
            }
            guard case .line(let bytes) = output else { continue }
            switch Request.parse(line: bytes) {
            case .success(let request): replies.append(handle(request).rendered(request.form, timeZone: Fixture.zone))
            case .failure(let failure): replies.append(failure.rendered(timeZone: Fixture.zone))
            }
        }
        return replies
    }

    @Test func mixedForms() {
        let replies = run([
            "function=recording&agent_user=1000&value=STOP\r\n{\"function\":\"recording\",\"agent_user\":\"1000\",",
            "\"value\":\"STATUS\"}\nfunction=recording&agent_user=1001&value=STATUS\n{bad\n",
            "function=recording&agent_user=1000&value=STATUS",
        ])
        #expect(replies == [
            "ERROR: stop recording error - 1000|||||10.0.0.5|8600051|PAUSED\n",
            #"{"data":{"agent":{"agent_user":"1000","station":"st1","session_id":"8600051","agent_server":"10.0.0.5","agent_status":"PAUSED","logged_in_at":"2026-11-21T10:09:10+01:00"},"recordings":[]}}"# + "\n",
            "ERROR: agent_user is not logged in - 1001\n",
            #"{"error":{"code":"invalid_json","message":"invalid JSON: expected a string key at byte 2"}}"# + "\n",
            "ERROR: incomplete line - no newline before end of input\n",
        ])
    }

    @Test func tooLongLineEndsTheConversation() {
        let replies = run(["function=subscribe\n" + String(repeating: "x", count: 201) + "\nfunction=subscribe\n"])
        #expect(replies == [
            "SUCCESS: subscribe function sent - event stream follows\n",
            "ERROR: line too long - 200\n",
        ])
        #expect(ControlError.lineTooLong(limit: 200).closesConnection)
    }
}
