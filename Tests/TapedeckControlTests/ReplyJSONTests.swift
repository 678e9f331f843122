import Foundation
import Testing
@testable import TapedeckControl

@Suite struct ReplyJSONTests {
    let agent = Fixture.agent
    let agentJSON = #"{"agent_user":"1000","station":"st1","session_id":"8600051","agent_server":"10.0.0.5","agent_status":"PAUSED","logged_in_at":"2026-11-21T10:09:10+01:00"}"#
    let startedJSON = #"{"id":42,"agent_user":"1000","session_id":"8600051","station":"st1","function":"recording","kind":"mono","status":"started","format":"wav","filename":"20261121-101010__1000","file_path":"/var/spool/tapedeck/20261121-101010__1000.wav","storage_type":"local","duration_seconds":null,"size_bytes":null,"stage":null,"server_ip":"10.0.0.9","start_time":"2026-11-21 10:10:10","end_time":null,"created_at":"2026-11-21T10:10:10+01:00","updated_at":"2026-11-21T10:10:10+01:00"}"#
    let completedJSON = #"{"id":42,"agent_user":"1000","session_id":"8600051","station":"st1","function":"recording","kind":"mono","status":"completed","format":"wav","filename":"20261121-101010__1000","file_path":"/var/spool/tapedeck/20261121-101010__1000.wav","storage_type":"local","duration_seconds":12.5,"size_bytes":200044,"stage":"_MIDCALL","server_ip":"10.0.0.9","start_time":"2026-11-21 10:10:10","end_time":"2026-11-21 10:10:22","created_at":"2026-11-21T10:10:10+01:00","updated_at":"2026-11-21T10:10:23+01:00"}"#

    @Test func start() {
        #expect(Fixture.json(.recordingStarted(agent, Fixture.recording())) == #"{"data":{"recording":"# + startedJSON + "}}\n")
    }

    @Test func stop() {
        #expect(Fixture.json(.recordingStopped(.recording, agent, completed: [Fixture.recording(stage: "_MIDCALL", status: .completed)]))
                == #"{"data":{"recordings":["# + completedJSON + "]}}\n")
    }

    @Test func status() {
        #expect(Fixture.json(.recordingStatus(.recording, agent, active: [Fixture.recording()]))
                == #"{"data":{"agent":"# + agentJSON + #","recordings":["# + startedJSON + "]}}\n")
        #expect(Fixture.json(.recordingStatus(.recording, agent, active: []))
                == #"{"data":{"agent":"# + agentJSON + #","recordings":[]}}"# + "\n")
    }

    @Test func agentReplies() {
        #expect(Fixture.json(.loggedIn(agent)) == #"{"data":{"agent":"# + agentJSON + "}}\n")
        #expect(Fixture.json(.agentStatusSet(agent)) == #"{"data":{"agent":"# + agentJSON + "}}\n")
        #expect(Fixture.json(.loggedOut(agent, completed: [])) == #"{"data":{"agent":"# + agentJSON + #","recordings":[]}}"# + "\n")
        #expect(Fixture.json(.subscribed) == #"{"data":{"subscribed":true}}"# + "\n")
    }

    @Test func optionalRecordingKeys() {
        var r = Fixture.recording(status: .failed)
        r.callID = "M1"
        r.leadID = "123"
        r.cause = "error"
        r.pausedSeconds = 1.25
        r.maskedSeconds = 0
        r.failureReason = "disk full"
        let rendered = r.json(timeZone: Fixture.zone).rendered
        #expect(rendered.hasSuffix(#""updated_at":"2026-11-21T10:10:23+01:00","call_id":"M1","lead_id":"123","cause":"error","paused_seconds":1.25,"masked_seconds":0,"reason":"disk full"}"#))
    }

    @Test func campaignOrigin() {
        var r = Fixture.recording(status: .started)
        #expect(!r.json(timeZone: Fixture.zone).rendered.contains("origin"))
        r.byCampaign = true
        #expect(r.json(timeZone: Fixture.zone).rendered.hasSuffix(#""updated_at":"2026-11-21T10:10:10+01:00","origin":"campaign"}"#))
    }

    /// The file's SHA-256 comes last, once the file is final; the VICIdial text reply
    /// of the same recording stays byte for byte what it was.
    @Test func sha256KeyOnceTheFileIsFinal() {
        var r = Fixture.recording(status: .completed)
        let text = Fixture.text(.recordingStopped(.recording, Fixture.agent, completed: [r]))
        #expect(!r.json(timeZone: Fixture.zone).rendered.contains("sha256"))
        r.cause = "stopped"
        r.sha256 = String(repeating: "0f", count: 32)
        #expect(r.json(timeZone: Fixture.zone).rendered.hasSuffix(
            #""updated_at":"2026-11-21T10:10:23+01:00","cause":"stopped","sha256":"\#(String(repeating: "0f", count: 32))"}"#))
        #expect(Fixture.text(.recordingStopped(.recording, Fixture.agent, completed: [r])) == text)
    }

    @Test func everyErrorCode() {
        let cases: [(ControlError, String)] = [
            (.invalidJSON("x"), "invalid_json"),
            (.missingFunction, "invalid_request"),
            (.invalidValue(function: .recording, value: "X", agentUser: "1000"), "invalid_action"),
            (.unknownFunction("x"), "unknown_function"),
            (.agentNotLoggedIn(agentUser: "1000"), "agent_not_logged_in"),
            (.nothingRunning(.recording, .stop, agent), "recording_not_started"),
            (.stereoRecordingActive(agent, recordingID: 1), "stereo_recording_active"),
            (.startFailed(.recording, agent, reason: "r"), "recording_start_failed"),
            (.stopFailed(.recording, agent, reason: "r"), "recording_stop_failed"),
            (.unknownStation(station: "s", agentUser: "1000"), "unknown_station"),
            (.stationInUse(station: "s", agentUser: "1000", inUseBy: "1001"), "station_in_use"),
            (.stationUnavailable(station: "s", agentUser: "1000", reason: "r"), "station_unavailable"),
            (.lineTooLong(limit: 8192), "line_too_long"),
            (.invalidUTF8(.byte(1)), "invalid_utf8"),
            (.incompleteLine, "incomplete_line"),
            (.tooManyConnections(limit: 256), "too_many_connections"),
            (.tooManyOpenFiles, "too_many_open_files"),
            (.idleTimeout(seconds: 300), "idle_timeout"),
            (.recordingLimit(.recording, agent, .perAgent(8)), "agent_recording_limit"),
            (.recordingLimit(.recording, agent, .total(256)), "recording_limit"),
        ]
        for (failure, code) in cases {
            let line = Fixture.json(.failure(failure))
            #expect(line.hasPrefix(#"{"error":{"code":""# + code + #"","message":""#), "\(failure)")
            #expect(line.hasSuffix("\"}}\n"))
            #expect(line.filter { $0 == "\n" }.count == 1)
        }
    }

    @Test func limitMessages() {
        #expect(Fixture.json(.failure(.recordingLimit(.recording, agent, .perAgent(8))))
                == #"{"error":{"code":"agent_recording_limit","message":"recording could not be started: limit of 8 recordings per agent reached"}}"# + "\n")
        #expect(Fixture.json(.failure(.recordingLimit(.stereoRecording, agent, .total(256))))
                == #"{"error":{"code":"recording_limit","message":"stereo_recording could not be started: limit of 256 recordings reached"}}"# + "\n")
        #expect(Fixture.json(.failure(.tooManyConnections(limit: 256)))
                == #"{"error":{"code":"too_many_connections","message":"the control socket serves at most 256 connections at once; the connection is closed"}}"# + "\n")
        #expect(Fixture.json(.failure(.idleTimeout(seconds: 300)))
                == #"{"error":{"code":"idle_timeout","message":"no request for 300 seconds; the connection is closed"}}"# + "\n")
    }

    @Test func errorMessages() {
        #expect(Fixture.json(.failure(.nothingRunning(.recording, .stop, agent)))
                == #"{"error":{"code":"recording_not_started","message":"no recording running to stop for agent_user 1000"}}"# + "\n")
        #expect(Fixture.json(.failure(.stereoRecordingActive(agent, recordingID: 43)))
                == #"{"error":{"code":"stereo_recording_active","message":"stereo_recording 43 is already active for agent_user 1000"}}"# + "\n")
        #expect(Fixture.json(.failure(.agentNotLoggedIn(agentUser: "1000")))
                == #"{"error":{"code":"agent_not_logged_in","message":"agent_user is not logged in: 1000"}}"# + "\n")
        #expect(Fixture.json(.failure(.lineTooLong(limit: 8192)))
                == #"{"error":{"code":"line_too_long","message":"request line longer than 8192 bytes; the connection is closed"}}"# + "\n")
    }

    @Test func escaping() {
        let s = "q\"b\\s/\n\r\t\u{08}\u{0C}\u{00}\u{1F}\u{7F}\u{2028}é😀"
        #expect(JSONValue.string(s).rendered == #""q\"b\\s/\n\r\t\b\f\u0000\u001f\u007f\u2028é😀""#)
        #expect(Fixture.json(.failure(.unknownFunction("a\"\nb")))
                == #"{"error":{"code":"unknown_function","message":"unknown function: a\"\nb"}}"# + "\n")
    }

    @Test func escapedOutputRoundTripsThroughOurParser() throws {
        let s = "x\"\\\u{01}\u{7F}\u{2029}ü"
        let line = JSONValue.object([("k", .string(s))]).rendered
        #expect(try JSONObjectParser.parse(line).get()["k"] == s)
    }

    @Test func secondsFormatting() {
        #expect(JSONValue.seconds(12).rendered == "12")
        #expect(JSONValue.seconds(12.5).rendered == "12.5")
        #expect(JSONValue.seconds(0.125).rendered == "0.125")
        #expect(JSONValue.seconds(0.0004).rendered == "0")
        #expect(JSONValue.seconds(1.0006).rendered == "1.001")
        #expect(JSONValue.seconds(-0.5).rendered == "-0.5")
        #expect(JSONValue.seconds(.nan).rendered == "null")
    }

    @Test func lookupJSON() {
        #expect(Fixture.json(.lookupResults(RecordingLookup(leadID: "1"), [])) == #"{"data":{"recordings":[]}}"# + "\n")
    }
}

@Suite struct EventTests {
    let later = Fixture.date.addingTimeInterval(13)

    @Test func recordingEvents() {
        let started = Event(.recordingStarted(Fixture.recording()), createdAt: Fixture.date).rendered(timeZone: Fixture.zone)
        #expect(started.hasPrefix(#"{"event":"recording.started","created_at":"2026-11-21T10:10:10+01:00","recording":{"id":42,"#))
        #expect(started.hasSuffix("}}\n"))
        let completed = Event(.recordingCompleted(Fixture.recording(status: .completed)), createdAt: later).rendered(timeZone: Fixture.zone)
        #expect(completed.hasPrefix(#"{"event":"recording.completed","created_at":"2026-11-21T10:10:23+01:00","recording":{"#))
        #expect(completed.contains(#""duration_seconds":12.5,"size_bytes":200044,"#))
        let failed = Event(.recordingFailed(Fixture.recording(status: .failed), reason: "disk full"), createdAt: later)
            .rendered(timeZone: Fixture.zone)
        #expect(failed.hasPrefix(#"{"event":"recording.failed","created_at":"2026-11-21T10:10:23+01:00","reason":"disk full","recording":{"id":42,"#))
    }

    @Test func agentEvents() {
        #expect(Event(.agentLogin(Fixture.agent), createdAt: Fixture.date).rendered(timeZone: Fixture.zone)
                == #"{"event":"agent.login","created_at":"2026-11-21T10:10:10+01:00","agent":{"agent_user":"1000","station":"st1","session_id":"8600051","agent_server":"10.0.0.5","agent_status":"PAUSED","logged_in_at":"2026-11-21T10:09:10+01:00"}}"# + "\n")
        #expect(Event(.agentLogout(Fixture.agent), createdAt: Fixture.date).rendered(timeZone: Fixture.utc)
                == #"{"event":"agent.logout","created_at":"2026-11-21T09:10:10+00:00","agent":{"agent_user":"1000","station":"st1","session_id":"8600051","agent_server":"10.0.0.5","agent_status":"PAUSED","logged_in_at":"2026-11-21T09:09:10+00:00"}}"# + "\n")
    }

    @Test func cutOffNotice() {
        #expect(Event(.subscriberCutOff(queueLimit: 1000, reason: "subscriber too slow"), createdAt: Fixture.date)
                    .rendered(timeZone: Fixture.zone)
                == #"{"event":"subscription.cut_off","created_at":"2026-11-21T10:10:10+01:00","reason":"subscriber too slow","queue_limit":1000}"# + "\n")
    }

    @Test func stationEvents() {
        #expect(Event(.stationDown(station: "st1", device: "card1", reason: "ALSA device 'hw:1,0': capture: No such device"),
                      createdAt: Fixture.date).rendered(timeZone: Fixture.zone)
                == #"{"event":"station.down","created_at":"2026-11-21T10:10:10+01:00","reason":"ALSA device 'hw:1,0': capture: No such device","station":{"name":"st1","device":"card1"}}"# + "\n")
        #expect(Event(.stationUp(station: "st1", device: "card1"), createdAt: Fixture.date).rendered(timeZone: Fixture.zone)
                == #"{"event":"station.up","created_at":"2026-11-21T10:10:10+01:00","station":{"name":"st1","device":"card1"}}"# + "\n")
    }
}
