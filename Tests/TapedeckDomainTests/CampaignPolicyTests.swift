import Foundation
import Testing
import TapedeckDomain
import TapedeckVocabulary

/// ALLCALLS, ALLFORCE, NEVER and `api_campaign_policy`; campaign stereo hidden from the API's stereo_recording.
@Suite struct CampaignPolicyTests {
    let agent = Rig.agent()

    @Test func neverRefusesTheAPIsStartAndBegin() {
        let rig = Rig()
        rig.login()
        let call = CallStart(agentUser: "1000", callID: "C1", campaignRecording: .never)
        #expect(rig.callStart(call) == .callStarted(agent, call))
        #expect(rig.start() == .failure(.recordingDisabled(.recording, agent)))
        #expect(rig.start("1000", .stereoRecording) == .failure(.recordingDisabled(.stereoRecording, agent)))
        #expect(rig.backend.handles.isEmpty)
        // After the call, START works again.
        #expect(rig.callEnd() == .callEnded(agent, callID: "C1", completed: []))
        #expect(Rig.started(rig.start()) != nil)
    }

    @Test func allCallsStartsAtOnceNamedFromTheCallAndStopEndsIt() throws {
        let rig = Rig { $0.recordingTemplate = FilenameTemplate("CUSTPHONE_LEADID_CALLID") }
        rig.login()
        rig.callStart(CallStart(agentUser: "1000", callID: "C2", leadID: "77", phoneNumber: "5551234", campaignRecording: .allCalls))
        let running = rig.status()
        #expect(running.map(\.filename) == ["5551234_77_C2"])
        #expect(running.first?.byCampaign == true && running.first?.callID == "C2" && running.first?.leadID == "77")
        let stopped = rig.stop()
        #expect(stopped == .recordingStopped(.recording, agent, completed: Rig.completed(stopped)))
        #expect(Rig.completed(stopped).map(\.cause) == ["stopped"])
        #expect(rig.status().isEmpty)
    }

    @Test func allForceSurvivesStopAndEndsWithTheCall() throws {
        let rig = Rig()
        rig.login()
        rig.callStart(CallStart(agentUser: "1000", callID: "C3", leadID: "78", campaignRecording: .allForce, campaignStereo: .allCalls))
        #expect(rig.stop() == .failure(.nothingRunning(.recording, .stop, agent)))
        #expect(rig.status().count == 1)
        // Campaign stereo: stereo STATUS and END do not see it; the API may BEGIN beside it.
        #expect(rig.status("1000", .stereoRecording).isEmpty)
        #expect(rig.stop("1000", .stereoRecording) == .failure(.nothingRunning(.stereoRecording, .stop, agent)))
        let own = try #require(Rig.started(rig.start("1000", .stereoRecording)))
        #expect(rig.status("1000", .stereoRecording) == [own.with { $0.durationSeconds = 10 }])
        #expect(Rig.completed(rig.stop("1000", .stereoRecording)).map(\.id) == [own.id])
        let ended = rig.callEnd()
        let done = Rig.completed(ended)
        #expect(ended == .callEnded(agent, callID: "C3", completed: done))
        #expect(done.map(\.kind) == [.mono, .stereo] && done.allSatisfy { $0.cause == "call_end" && $0.byCampaign })
        #expect(rig.controller.activeRecordings.isEmpty)
    }

    @Test func anIgnoredPolicyDoesNotBindTheAPI() throws {
        let rig = Rig { $0.apiObeysCampaignPolicy = false }
        rig.login()
        rig.callStart(CallStart(agentUser: "1000", callID: "N1", campaignRecording: .never))
        #expect(Rig.started(rig.start()) != nil)
        #expect(Rig.completed(rig.stop()).count == 1)
        _ = rig.callEnd()
        rig.callStart(CallStart(agentUser: "1000", callID: "F1", campaignRecording: .allForce))
        let stopped = Rig.completed(rig.stop())
        #expect(stopped.count == 1 && stopped[0].byCampaign && stopped[0].cause == "stopped")
        #expect(rig.status().isEmpty)
    }

    @Test func theAPIsRecordingsDuringACallEndWithIt() throws {
        let rig = Rig()
        rig.login()
        let before = try #require(Rig.started(rig.start()))
        rig.callStart(CallStart(agentUser: "1000", callID: "C9"))
        let during = try #require(Rig.started(rig.start()))
        #expect(during.callID == "C9" && before.callID == nil)
        #expect(Rig.completed(rig.callEnd()).map(\.id) == [during.id])
        #expect(rig.status().map(\.id) == [before.id])
    }

    @Test func aCallWithoutCallIDGetsEpochDotSerial() {
        let rig = Rig()
        rig.login()
        let first = rig.callStart(CallStart(agentUser: "1000"))
        #expect(first == .callStarted(agent, CallStart(agentUser: "1000", callID: "1700000000.1")))
        #expect(rig.controller.handle(.callStatus(callID: "1700000000.1")) == .callStatus(agent, CallStart(agentUser: "1000", callID: "1700000000.1")))
        #expect(rig.callEnd() == .callEnded(agent, callID: "1700000000.1", completed: []))
        #expect(rig.controller.handle(.callStatus(callID: "1700000000.1")) == .failure(.callNotFound(callID: "1700000000.1")))
        #expect(rig.callStart(CallStart(agentUser: "1000")) == .callStarted(agent, CallStart(agentUser: "1000", callID: "1700000000.2")))
        #expect(rig.callStart(CallStart(agentUser: "2000")) == .failure(.agentNotLoggedIn(agentUser: "2000")))
    }
}

/// A delayed campaign start belongs to its call: after call_end, or once another call
/// began, it does nothing.
@Suite struct CallSerialTests {
    @Test func aDelayedStartRunsOnlyWhileItsCallLasts() throws {
        let rig = Rig()
        rig.login()
        rig.callStart(CallStart(agentUser: "1000", callID: "C1", campaignRecording: .allCalls, recordingDelay: 2))
        #expect(rig.scheduler.delays == [2])
        #expect(rig.status().isEmpty)
        rig.scheduler.runAll()
        #expect(rig.status().map(\.callID) == ["C1"])
    }

    @Test func aDelayedStartAfterCallEndDoesNothing() {
        let rig = Rig()
        rig.login()
        rig.callStart(CallStart(agentUser: "1000", callID: "C1", campaignRecording: .allForce, recordingDelay: 5))
        _ = rig.callEnd()
        rig.scheduler.runAll()
        #expect(rig.status().isEmpty && rig.backend.handles.isEmpty && rig.store.rows.isEmpty)
    }

    @Test func aDelayedStartOfAnEarlierCallDoesNothingInTheNextCall() {
        let rig = Rig()
        rig.login()
        rig.callStart(CallStart(agentUser: "1000", callID: "C1", campaignRecording: .allCalls, recordingDelay: 5, campaignStereo: .allCalls))
        _ = rig.callEnd()
        rig.callStart(CallStart(agentUser: "1000", callID: "C2", campaignRecording: .onDemand))
        rig.scheduler.runAll()
        #expect(rig.status().isEmpty && rig.backend.handles.isEmpty)
        // A delayed start of the current call does start (and belongs to it).
        rig.callStart(CallStart(agentUser: "1000", callID: "C3", campaignRecording: .allCalls, recordingDelay: 1))
        rig.scheduler.runAll()
        #expect(rig.status().map(\.callID) == ["C3"])
        #expect(Rig.completed(rig.callEnd()).map(\.cause) == ["call_end"])
    }
}
