import Testing
@testable import TapedeckControl

/// ``ReplyLine``: reply lines as the daemon renders them (``Reply/rendered(_:timeZone:)``),
/// read back by a client.
@Suite struct ReplyLineTests {
    let agent = Fixture.agent
    let session = ReplyLine.AgentFields(agentUser: "1000", sessionID: "8600051", agentServer: "10.0.0.5",
                                        agentStatus: "PAUSED")

    /// The first line of `reply` in `form`, read back.
    func read(_ reply: Reply, _ form: ReplyForm = .text) -> ReplyLine {
        let rendered = reply.rendered(form, timeZone: Fixture.zone)
        return ReplyLine(reading: String(rendered.prefix { $0 != "\n" }))
    }

    @Test func loginAndLogout() {
        let fields = ReplyLine.AgentFields(agentUser: "1000", station: "st1", sessionID: "8600051",
                                           agentServer: "10.0.0.5", agentStatus: "PAUSED")
        #expect(read(.loggedIn(agent)) == ReplyLine(form: .text, word: .success, meaning: .loggedIn(fields)))
        #expect(read(.loggedOut(agent, completed: [])).meaning == .loggedOut(fields))
    }

    @Test func startAndBeginWithTheirStage() {
        let mono = read(.recordingStarted(agent, Fixture.recording(stage: "_MIDCALL")))
        #expect(mono == ReplyLine(form: .text, word: .success,
                                  meaning: .recordingSent(.recording, .start, stage: "_MIDCALL", session)))
        let stereo = read(.recordingStarted(agent, Fixture.recording(function: .stereoRecording)))
        #expect(stereo.meaning == .recordingSent(.stereoRecording, .start, stage: "", session))
    }

    @Test func everyOtherVerbOfBothFunctions() {
        for function in RecordingFunction.allCases {
            let done = Fixture.recording(function: function, status: .completed)
            #expect(read(.recordingStopped(function, agent, completed: [done])).meaning
                    == .recordingSent(function, .stop, stage: "", session))
            for verb in [RecordingVerb.pause, .resume, .mask, .unmask] {
                #expect(read(.recordingControlled(function, verb, agent, affected: [])).meaning
                        == .recordingSent(function, verb, stage: "", session))
            }
        }
    }

    @Test func statusActiveAndNotActive() {
        for function in RecordingFunction.allCases {
            let running = Fixture.recording(id: 42, function: function)
            #expect(read(.recordingStatus(function, agent, active: [running])) == ReplyLine(
                form: .text, word: .notice,
                meaning: .recordingActive(function, recordingID: "42", filename: "20261121-101010__1000",
                                          serverIP: "10.0.0.9", startTime: "2026-11-21 10:10:10", session)))
            #expect(read(.recordingStatus(function, agent, active: [])).meaning == .notRecording(function, session))
        }
    }

    @Test func recordingErrors() {
        for function in RecordingFunction.allCases {
            for verb in [RecordingVerb.stop, .pause, .resume, .mask, .unmask] {
                let line = read(.failure(.nothingRunning(function, verb, agent)))
                #expect(line.isError)
                #expect(line.meaning == .recordingError(function, verb, reason: "", session))
            }
            #expect(read(.failure(.startFailed(function, agent, reason: "device down"))).meaning
                    == .recordingError(function, .start, reason: "device down", session))
            #expect(read(.failure(.stopFailed(function, agent, reason: "disk full"))).meaning
                    == .recordingError(function, .stop, reason: "disk full", session))
            #expect(read(.failure(.recordingLimit(function, agent, .perAgent(8)))).meaning
                    == .recordingError(function, .start, reason: "limit of 8 recordings per agent reached", session))
            let empty = Fixture.recording(function: function, status: .failed)
            var noAudio = empty
            noAudio.cause = RecordingSnapshot.noAudioCause
            #expect(read(.recordingStopped(function, agent, completed: [noAudio])).meaning
                    == .recordingError(function, .stop, reason: RecordingSnapshot.noAudioCause, session))
        }
        #expect(read(.failure(.stereoRecordingActive(agent, recordingID: 43))).meaning
                == .stereoRecordingActive(recordingID: "43", session))
    }

    @Test func otherLinesHaveTheirWordOnly() {
        let notLoggedIn = read(.failure(.agentNotLoggedIn(agentUser: "1000")))
        #expect(notLoggedIn == ReplyLine(form: .text, word: .error))
        #expect(read(.subscribed) == ReplyLine(form: .text, word: .success))
        #expect(read(.failure(.unknownStation(station: "st9", agentUser: "1000"))).meaning == nil)
        #expect(!read(.subscribed).beginsSeveralLines)
    }

    @Test func healthInBothForms() {
        let up = HealthSnapshot.Device(name: "a", pcm: "hw:0", up: true)
        let down = HealthSnapshot.Device(name: "b", pcm: "hw:1", up: false, error: "gone")
        let cases: [([HealthSnapshot.Device], HealthSnapshot.Status, ReplyLine.Word)] = [
            ([up], .ok, .ok), ([up, down], .degraded, .warning), ([down], .down, .critical),
        ]
        for (devices, status, word) in cases {
            let health = Reply.health(HealthSnapshot(devices: devices, stations: [], recordingsActive: 0, uptimeSeconds: 5))
            #expect(read(health) == ReplyLine(form: .text, word: word, health: status))
            #expect(read(health, .json) == ReplyLine(form: .json, word: .success, health: status))
        }
    }

    @Test func jsonRepliesAreErrorsOrData() {
        let error = read(.failure(.nothingRunning(.recording, .stop, agent)), .json)
        #expect(error == ReplyLine(form: .json, word: .error))
        #expect(error.isError)
        let data = read(.recordingStatus(.recording, agent, active: [Fixture.recording()]), .json)
        #expect(data == ReplyLine(form: .json, word: .success))
        #expect(!data.beginsSeveralLines)
        #expect(ReplyLine(reading: "{not json").word == nil)
        #expect(!ReplyLine(reading: "{not json").beginsSeveralLines)
    }

    @Test func lookupResultsAndMetricsBeginSeveralLines() {
        let results = read(.lookupResults(RecordingLookup(agentUser: "1000"), [Fixture.recording()]))
        #expect(results.beginsSeveralLines)
        #expect(results.word == nil)
        #expect(read(.metrics("# HELP tapedeck_up 1\ntapedeck_up 1\n")).beginsSeveralLines)
        #expect(!ReplyLine(reading: "").beginsSeveralLines)
        let none = read(.lookupResults(RecordingLookup(agentUser: "1000"), []))
        #expect(none.isError && !none.beginsSeveralLines)
    }
}
