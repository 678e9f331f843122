import Foundation
import Testing
@testable import TapedeckControl

/// Every text line of issue 3, byte for byte, with agent 1000 at session
/// 8600051 on agent server 10.0.0.5, status PAUSED, box 10.0.0.9.
@Suite struct ReplyTextTests {
    let agent = Fixture.agent

    @Test func recordingStart() {
        #expect(Fixture.text(.recordingStarted(agent, Fixture.recording()))
                == "SUCCESS: recording function sent - 1000|START||||10.0.0.5|8600051|PAUSED\n")
        #expect(Fixture.text(.recordingStarted(agent, Fixture.recording(stage: "_MIDCALL")))
                == "SUCCESS: recording function sent - 1000|START_MIDCALL||||10.0.0.5|8600051|PAUSED\n")
    }

    @Test func recordingStop() {
        #expect(Fixture.text(.recordingStopped(.recording, agent, completed: [Fixture.recording(status: .completed)]))
                == "SUCCESS: recording function sent - 1000|STOP||||10.0.0.5|8600051|PAUSED\n")
        #expect(Fixture.text(.failure(.nothingRunning(.recording, .stop, agent)))
                == "ERROR: stop recording error - 1000|||||10.0.0.5|8600051|PAUSED\n")
    }

    /// A recording whose device delivered no audio is no success: STOP / END answer the
    /// "stop failed" line with its reason (the JSON form lists it, status failed).
    @Test func stopOfARecordingWithNoAudio() {
        var empty = Fixture.recording(status: .failed)
        empty.cause = RecordingSnapshot.noAudioCause
        empty.failureReason = "no audio: device pa delivered nothing in the 3.0 s the recording ran"
        var fine = Fixture.recording(id: 43, status: .completed)
        fine.cause = "stopped"
        #expect(Fixture.text(.recordingStopped(.recording, agent, completed: [fine, empty]))
                == "ERROR: stop recording error - 1000|no audio: device pa delivered nothing in the 3.0 s the recording ran||||10.0.0.5|8600051|PAUSED\n")
        #expect(Fixture.text(.recordingStopped(.stereoRecording, agent, completed: [empty]))
                == "ERROR: stop stereo_recording error - 1000|no audio: device pa delivered nothing in the 3.0 s the recording ran||||10.0.0.5|8600051|PAUSED\n")
        // Any other failure keeps VICIdial's success line (the recording did stop).
        var full = Fixture.recording(status: .failed)
        full.cause = "disk_full"
        #expect(Fixture.text(.recordingStopped(.recording, agent, completed: [full]))
                == "SUCCESS: recording function sent - 1000|STOP||||10.0.0.5|8600051|PAUSED\n")
        let json = Fixture.json(.recordingStopped(.recording, agent, completed: [empty]))
        #expect(json.hasPrefix(#"{"data":{"recordings":[{"id":42,"#))
        #expect(json.contains(#""status":"failed","#))
        #expect(json.hasSuffix(#""cause":"no_audio","reason":"no audio: device pa delivered nothing in the 3.0 s the recording ran"}]}}"# + "\n"))
    }

    @Test func recordingStatus() {
        let older = Fixture.recording(id: 41, start: Fixture.date.addingTimeInterval(-30), filename: "older")
        let newer = Fixture.recording(id: 42)
        #expect(Fixture.text(.recordingStatus(.recording, agent, active: [newer, older]))
                == "NOTICE: recording active - 1000|42|20261121-101010__1000|10.0.0.9|2026-11-21 10:10:10|10.0.0.5|8600051|PAUSED\n")
        #expect(Fixture.text(.recordingStatus(.recording, agent, active: []))
                == "NOTICE: not recording - 1000|||||10.0.0.5|8600051|PAUSED\n")
    }

    @Test func statusTieOnStartTimeNamesHighestID() {
        let a = Fixture.recording(id: 7, filename: "a")
        let b = Fixture.recording(id: 8, filename: "b")
        #expect(Reply.mostRecent([b, a])?.id == 8)
        #expect(Reply.mostRecent([a, b])?.id == 8)
    }

    @Test func recordingErrors() {
        #expect(Fixture.text(.failure(.agentNotLoggedIn(agentUser: "1000")))
                == "ERROR: agent_user is not logged in - 1000\n")
        #expect(Fixture.text(.failure(.invalidValue(function: .recording, value: "PLAY", agentUser: "1000")))
                == "ERROR: recording not valid - PLAY|1000\n")
        #expect(Fixture.text(.failure(.startFailed(.recording, agent, reason: "device error")))
                == "ERROR: start recording error - 1000|device error||||10.0.0.5|8600051|PAUSED\n")
    }

    @Test func limitLines() {
        #expect(Fixture.text(.failure(.recordingLimit(.recording, agent, .perAgent(8))))
                == "ERROR: start recording error - 1000|limit of 8 recordings per agent reached||||10.0.0.5|8600051|PAUSED\n")
        #expect(Fixture.text(.failure(.recordingLimit(.stereoRecording, agent, .total(256))))
                == "ERROR: begin stereo_recording error - 1000|limit of 256 recordings reached||||10.0.0.5|8600051|PAUSED\n")
        #expect(Fixture.text(.failure(.tooManyConnections(limit: 256))) == "ERROR: too many connections - 256\n")
        #expect(Fixture.text(.failure(.tooManyOpenFiles)) == "ERROR: too many open files - connection refused\n")
        #expect(Fixture.text(.failure(.idleTimeout(seconds: 300))) == "ERROR: idle timeout - 300\n")
        let closing: [ControlError] = [.tooManyConnections(limit: 1), .tooManyOpenFiles, .idleTimeout(seconds: 1)]
        #expect(closing.filter { !$0.closesConnection }.isEmpty)
        #expect(!ControlError.recordingLimit(.recording, agent, .total(1)).closesConnection)
    }

    @Test func stereoLines() {
        let stereo = Fixture.recording(id: 43, function: .stereoRecording, stage: "_MIDCALL", filename: "S_20261121-101010__1000_MIDCALL")
        #expect(Fixture.text(.recordingStarted(agent, stereo))
                == "SUCCESS: stereo_recording function sent - 1000|BEGIN_MIDCALL||||10.0.0.5|8600051|PAUSED\n")
        #expect(Fixture.text(.failure(.stereoRecordingActive(agent, recordingID: 43)))
                == "ERROR: begin stereo_recording error - 1000|43||||10.0.0.5|8600051|PAUSED\n")
        #expect(Fixture.text(.recordingStopped(.stereoRecording, agent, completed: [stereo]))
                == "SUCCESS: stereo_recording function sent - 1000|END||||10.0.0.5|8600051|PAUSED\n")
        #expect(Fixture.text(.failure(.nothingRunning(.stereoRecording, .stop, agent)))
                == "ERROR: stop stereo_recording error - 1000|||||10.0.0.5|8600051|PAUSED\n")
        #expect(Fixture.text(.recordingStatus(.stereoRecording, agent, active: [stereo]))
                == "NOTICE: stereo_recording active - 1000|43|S_20261121-101010__1000_MIDCALL|10.0.0.9|2026-11-21 10:10:10|10.0.0.5|8600051|PAUSED\n")
        #expect(Fixture.text(.recordingStatus(.stereoRecording, agent, active: []))
                == "NOTICE: not stereo_recording - 1000|||||10.0.0.5|8600051|PAUSED\n")
        #expect(Fixture.text(.failure(.invalidValue(function: .stereoRecording, value: "START", agentUser: "1000")))
                == "ERROR: stereo_recording not valid - START|1000\n")
        #expect(Fixture.text(.failure(.startFailed(.stereoRecording, agent, reason: "no device")))
                == "ERROR: begin stereo_recording error - 1000|no device||||10.0.0.5|8600051|PAUSED\n")
        #expect(Fixture.text(.failure(.stopFailed(.stereoRecording, agent, reason: "disk full")))
                == "ERROR: stop stereo_recording error - 1000|disk full||||10.0.0.5|8600051|PAUSED\n")
    }

    @Test func agentLines() {
        #expect(Fixture.text(.loggedIn(agent)) == "SUCCESS: login function sent - 1000|st1|8600051|10.0.0.5|PAUSED\n")
        #expect(Fixture.text(.loggedOut(agent, completed: [])) == "SUCCESS: logout function sent - 1000|st1|8600051|10.0.0.5|PAUSED\n")
        var ready = agent
        ready.agentStatus = "READY"
        #expect(Fixture.text(.agentStatusSet(ready))
                == "SUCCESS: agent_status function sent - 1000|READY||||10.0.0.5|8600051|READY\n")
        #expect(Fixture.text(.subscribed) == "SUCCESS: subscribe function sent - event stream follows\n")
    }

    @Test func stationAndFramingLines() {
        #expect(Fixture.text(.failure(.unknownStation(station: "st9", agentUser: "1000"))) == "ERROR: station not valid - st9|1000\n")
        #expect(Fixture.text(.failure(.stationInUse(station: "st1", agentUser: "1001", inUseBy: "1000")))
                == "ERROR: station in use - st1|1001|1000\n")
        #expect(Fixture.text(.failure(.stationUnavailable(station: "st1", agentUser: "1000", reason: "device lost")))
                == "ERROR: station unavailable - st1|1000|device lost\n")
        #expect(Fixture.text(.failure(.agentAlreadyLoggedIn(agentUser: "1000", station: "st1")))
                == "ERROR: agent_user is already logged in - 1000|st1\n")
        #expect(Fixture.text(.failure(.lineTooLong(limit: 8192))) == "ERROR: line too long - 8192\n")
        #expect(Fixture.text(.failure(.incompleteLine)) == "ERROR: incomplete line - no newline before end of input\n")
    }

    @Test func domainReasonsCannotBreakTheLine() {
        #expect(Fixture.text(.failure(.startFailed(.recording, agent, reason: "a|b\nc")))
                == "ERROR: start recording error - 1000|a?b?c||||10.0.0.5|8600051|PAUSED\n")
    }

    // Issue 4.
    @Test func issue4Lines() {
        #expect(Fixture.text(.recordingControlled(.recording, .pause, agent, affected: []))
                == "SUCCESS: recording function sent - 1000|PAUSE||||10.0.0.5|8600051|PAUSED\n")
        #expect(Fixture.text(.failure(.recordingDisabled(.recording, agent)))
                == "ERROR: recording disabled - 1000|||||10.0.0.5|8600051|PAUSED\n")
        // stereo_recording's lines name stereo_recording, as VICIdial's do.
        #expect(Fixture.text(.failure(.recordingDisabled(.stereoRecording, agent)))
                == "ERROR: stereo_recording disabled - 1000|||||10.0.0.5|8600051|PAUSED\n")
        #expect(Fixture.text(.failure(.invalidState(.recording, .resume, agent, reason: "not paused")))
                == "ERROR: resume recording error - 1000|not paused||||10.0.0.5|8600051|PAUSED\n")
        let lookup = RecordingLookup(leadID: "123")
        #expect(Fixture.text(.lookupResults(lookup, []))
                == "ERROR: recording_lookup NO RECORDINGS FOUND - |123|||\n")
        var r = Fixture.recording(status: .completed)
        r.leadID = "123"
        #expect(Fixture.text(.lookupResults(lookup, [r]))
                == "2026-11-21 10:10:10|1000|42|123|/var/spool/tapedeck/20261121-101010__1000.wav\n\n")
        #expect(Fixture.text(.callStarted(agent, CallStart(agentUser: "1000", callID: "M1", leadID: "123", phoneNumber: "555", campaign: "C")))
                == "SUCCESS: call_start function sent - 1000|M1|123|555|C|10.0.0.5|8600051|PAUSED\n")
        #expect(Fixture.text(.callEnded(agent, callID: "M1", completed: []))
                == "SUCCESS: call_end function sent - 1000|M1||||10.0.0.5|8600051|PAUSED\n")
        #expect(Fixture.text(.callStatus(agent, CallStart(agentUser: "1000", callID: "M1", leadID: "123")))
                == "SUCCESS: call_status function sent - 1000|M1|123|||10.0.0.5|8600051|PAUSED\n")
        #expect(Fixture.text(.failure(.callNotFound(callID: "M|2"))) == "ERROR: call not found - M?2\n")
        #expect(Fixture.json(.failure(.callNotFound(callID: "M2")))
                == #"{"error":{"code":"call_not_found","message":"no agent has a call with call_id M2"}}"# + "\n")
        #expect(Fixture.json(.callStatus(agent, CallStart(agentUser: "1000", callID: "M1")))
                == Fixture.json(.callStarted(agent, CallStart(agentUser: "1000", callID: "M1"))))
    }
}
