import Foundation
import Testing
import TapedeckDomain
import TapedeckVocabulary

/// START / BEGIN: the row, the name, the plan given to the backend, the refusals.
@Suite struct StartTests {
    let agent = Rig.agent()

    @Test func aStartWritesItsRowNamesItsFileAndStartsTheBackendFromTheMark() throws {
        let rig = Rig()
        rig.login()
        let reply = rig.start(options: StartOptions(stage: Stage(sanitizing: "_MIDCALL")))
        var expected = RecordingSnapshot(
            id: 1, function: .recording, kind: .mono, status: .started, format: .wav, agentUser: "1000",
            sessionID: "8600051", station: "st1", filename: "20231114-221320__1000_MIDCALL",
            filePath: "/spool/20231114-221320__1000_MIDCALL.wav", durationSeconds: 0, sizeBytes: 0,
            stage: Stage(sanitizing: "_MIDCALL"), serverIP: "10.0.0.5", startTime: Rig.now, createdAt: Rig.now, updatedAt: Rig.now)
        expected.byCampaign = false
        #expect(reply == .recordingStarted(agent, expected))
        let handle = try #require(rig.backend.handles.first)
        #expect(handle.plan == RecordingPlan(station: "st1", kind: .mono, format: .wav, bitrateKbps: nil,
                                             path: "/spool/20231114-221320__1000_MIDCALL.wav",
                                             rules: EndRules(timeoutSeconds: 3600, silenceThresholdDBFS: -45)))
        #expect(handle.mark == AudioMark(station: "st1", position: 160, sampleRate: 8000))
        #expect(rig.store.row(1) == expected)
        #expect(rig.events.payloads.last == .recordingStarted(expected))
        #expect(rig.status() == [expected.with { $0.durationSeconds = 10 }])
    }

    @Test func refusalsNameTheReason() {
        let rig = Rig()
        #expect(rig.start() == .failure(.agentNotLoggedIn(agentUser: "1000")))
        rig.login()
        let preroll = rig.start(options: StartOptions(prerollMilliseconds: 31_000))
        #expect(preroll == .failure(.invalidParameter(InvalidParameter(
            function: .recording, name: "preroll", problem: .malformed("must be at most 30 seconds (the station's history)"),
            agentUser: "1000"))))
        #expect(rig.start(options: StartOptions(format: .wav, bitrate: 16)) == .failure(.invalidParameter(InvalidParameter(
            function: .recording, name: "bitrate", problem: .malformed("applies to mp3 only (this recording is wav)"),
            agentUser: "1000"))))
        #expect(rig.start(options: StartOptions(format: .mp3, bitrate: 128)) == .failure(.invalidParameter(InvalidParameter(
            function: .recording, name: "bitrate",
            problem: .malformed("must be one of \(MP3Bitrates.list(MP3Bitrates.at(sampleRate: 8000))) at 8000 Hz (station st1)"),
            agentUser: "1000"))))
        var hooked = StartOptions()
        hooked.eventURL = "https://elsewhere.example/cb"
        #expect(rig.start(options: hooked) == .failure(.invalidParameter(InvalidParameter(
            function: .recording, name: "event_url",
            problem: .malformed("is not under a callback prefix the configuration allows"), agentUser: "1000"))))
        rig.backend.state.withLock { $0.problem = "no encoder" }
        #expect(rig.start() == .failure(.invalidParameter(InvalidParameter(
            function: .recording, name: "format", problem: .malformed("no encoder"), agentUser: "1000"))))
        rig.backend.state.withLock { $0.problem = nil }
        rig.backend.setDown("st1", "device d1 lost: gone")
        #expect(rig.start() == .failure(.stationUnavailable(station: "st1", agentUser: "1000", reason: "device d1 lost: gone")))
        #expect(rig.store.rows.isEmpty && rig.backend.handles.isEmpty)
    }

    @Test func aFailedStartCompletesItsRowsAsFailedAndGivesItsSlotBack() throws {
        let rig = Rig { $0.maxRecordingsPerAgent = 1 }
        rig.login()
        rig.backend.state.withLock { $0.startError = "cannot create file" }
        #expect(rig.start() == .failure(.startFailed(.recording, agent, reason: "cannot create file")))
        let row = try #require(rig.store.row(1))
        #expect(row.status == .failed && row.cause == "error" && row.failureReason == "cannot create file")
        #expect(rig.events.payloads.last == .recordingFailed(row, reason: "cannot create file"))
        rig.backend.state.withLock { $0.startError = nil }
        // The same name again (the failed one gave it back), and the slot.
        let again = try #require(Rig.started(rig.start()))
        #expect(again.filename == row.filename)
    }

    @Test func aLogThatCannotBeWrittenRefusesTheStart() {
        let rig = Rig()
        rig.login()
        rig.store.set { $0.insertError = "disk I/O error" }
        #expect(rig.start() == .failure(.startFailed(.recording, agent, reason: "recording log: disk I/O error")))
        #expect(rig.backend.handles.isEmpty)
        rig.store.set { $0.insertError = nil }
        #expect(Rig.started(rig.start()) != nil)
    }

    @Test func splitLegsWriteThreeRowsAndTheirFiles() throws {
        let rig = Rig { $0.format = .mp3 }
        rig.login()
        let r = try #require(Rig.started(rig.start(options: StartOptions(splitLegs: true))))
        let handle = try #require(rig.handle(r))
        #expect(handle.plan.legPaths?.agent == "/spool/\(r.filename)-agent.mp3")
        #expect(handle.plan.legPaths?.customer == "/spool/\(r.filename)-customer.mp3")
        #expect(handle.plan.legBitrateKbps == 16 && handle.plan.bitrateKbps == 16)
        #expect(rig.store.rows.map(\.kind) == [.mono, .agentLeg, .customerLeg])
        let done = Rig.completed(rig.stop())
        #expect(done.map(\.filename) == [r.filename, r.filename + "-agent", r.filename + "-customer"])
        #expect(done.allSatisfy { $0.status == .completed && $0.cause == "stopped" })
    }
}

extension RecordingSnapshot {
    func with(_ change: (inout RecordingSnapshot) -> Void) -> RecordingSnapshot {
        var copy = self
        change(&copy)
        return copy
    }
}

extension Rig {
    func start(_ user: String = "1000", function: RecordingFunction = .recording, options: StartOptions) -> Reply {
        start(user, function, options)
    }
}
