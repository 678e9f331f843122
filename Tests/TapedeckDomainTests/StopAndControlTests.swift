import Foundation
import Testing
import TapedeckDomain

/// STOP / END, stereo one at a time, PAUSE / RESUME / MASK / UNMASK.
@Suite struct StopAndControlTests {
    let agent = Rig.agent()

    @Test func stopEndsEveryRecordingOfItsFunctionOnly() throws {
        let rig = Rig()
        rig.login()
        let a = try #require(Rig.started(rig.start()))
        let b = try #require(Rig.started(rig.start()))
        let stereo = try #require(Rig.started(rig.start("1000", .stereoRecording)))
        rig.handle(a)?.set { $0.seconds = 4 }
        let reply = rig.stop()
        let done = Rig.completed(reply)
        #expect(reply == .recordingStopped(.recording, agent, completed: done))
        #expect(done.map(\.id) == [a.id, b.id])
        #expect(done[0] == a.with {
            $0.status = .completed; $0.cause = "stopped"; $0.durationSeconds = 4; $0.sizeBytes = 4000
            $0.endTime = Rig.now; $0.sha256 = "sha:" + a.filePath; $0.pausedSeconds = 0; $0.maskedSeconds = 0
        })
        #expect(rig.store.row(a.id) == done[0])
        #expect(rig.status("1000", .stereoRecording).map(\.id) == [stereo.id])
        #expect(rig.stop() == .failure(.nothingRunning(.recording, .stop, agent)))
        #expect(rig.stop("2000") == .failure(.agentNotLoggedIn(agentUser: "2000")))
    }

    @Test func oneStereoRecordingAtATime() throws {
        let rig = Rig()
        rig.login()
        let first = try #require(Rig.started(rig.start("1000", .stereoRecording)))
        #expect(first.kind == .stereo && first.filename.hasPrefix("S_"))
        #expect(rig.start("1000", .stereoRecording) == .failure(.stereoRecordingActive(agent, recordingID: first.id)))
        _ = rig.stop("1000", .stereoRecording)
        #expect(Rig.started(rig.start("1000", .stereoRecording)) != nil)
    }

    @Test func pauseResumeMaskUnmaskAndTheirRefusals() throws {
        let rig = Rig()
        rig.login()
        #expect(rig.recording(.recording, "1000", .pause(.silence)) == .failure(.nothingRunning(.recording, .pause, agent)))
        let r = try #require(Rig.started(rig.start()))
        let current = r.with { $0.durationSeconds = 10 }
        let handle = try #require(rig.handle(r))
        rig.events.clear()
        #expect(rig.recording(.recording, "1000", .resume)
                == .failure(.invalidState(.recording, .resume, agent, reason: "not paused")))
        #expect(rig.recording(.recording, "1000", .pause(.skip))
                == .recordingControlled(.recording, .pause, agent, affected: [current]))
        #expect(rig.recording(.recording, "1000", .pause(.silence))
                == .failure(.invalidState(.recording, .pause, agent, reason: "already paused")))
        #expect(rig.recording(.recording, "1000", .unmask)
                == .failure(.invalidState(.recording, .unmask, agent, reason: "not masked")))
        #expect(rig.recording(.recording, "1000", .mask) == .recordingControlled(.recording, .mask, agent, affected: [current]))
        #expect(rig.recording(.recording, "1000", .mask)
                == .failure(.invalidState(.recording, .mask, agent, reason: "already masked")))
        #expect(rig.recording(.recording, "1000", .resume) == .recordingControlled(.recording, .resume, agent, affected: [current]))
        #expect(rig.recording(.recording, "1000", .unmask) == .recordingControlled(.recording, .unmask, agent, affected: [current]))
        #expect(handle.controls == [.pause(skip: true), .mask, .resume, .unmask])
        #expect(rig.events.payloads == [.recordingPaused(current), .recordingResumed(current)])
    }

    @Test func aControlAppliesOnlyToTheRecordingsItChanges() throws {
        let rig = Rig()
        rig.login()
        let a = try #require(Rig.started(rig.start()))
        _ = rig.recording(.recording, "1000", .pause(.silence))
        let b = try #require(Rig.started(rig.start()))
        // One paused, one not: PAUSE pauses the other only; the stereo recording is not touched.
        let stereo = try #require(Rig.started(rig.start("1000", .stereoRecording)))
        #expect(rig.recording(.recording, "1000", .pause(.silence))
                == .recordingControlled(.recording, .pause, agent, affected: [b.with { $0.durationSeconds = 10 }]))
        #expect(rig.handle(a)?.controls == [.pause(skip: false)] && rig.handle(b)?.controls == [.pause(skip: false)])
        #expect(rig.handle(stereo)?.controls == [])
    }

    @Test func pausedAndMaskedSecondsComeFromTheBackend() throws {
        let rig = Rig()
        rig.login()
        let r = try #require(Rig.started(rig.start()))
        rig.handle(r)?.set { $0.pausedSeconds = 2.5; $0.maskedSeconds = 1.5 }
        let done = try #require(Rig.completed(rig.stop()).first)
        #expect(done.pausedSeconds == 2.5 && done.maskedSeconds == 1.5)
        #expect(rig.store.row(r.id)?.pausedSeconds == 2.5)
    }
}

/// `min_duration`: shorter recordings are discarded (the file through the spool's
/// protocol), their rows kept.
@Suite struct MinDurationTests {
    @Test func aShortRecordingIsDiscardedItsRowKept() throws {
        let rig = Rig()
        rig.login()
        let short = try #require(Rig.started(rig.start(options: StartOptions(minDurationMilliseconds: 5000))))
        rig.handle(short)?.set { $0.seconds = 4.9 }
        let long = try #require(Rig.started(rig.start(options: StartOptions(minDurationMilliseconds: 5000))))
        rig.handle(long)?.set { $0.seconds = 5 }
        let done = Rig.completed(rig.stop())
        #expect(done[0] == short.with {
            $0.status = .discarded; $0.cause = "too_short"; $0.durationSeconds = 4.9; $0.sizeBytes = 0; $0.sha256 = nil
            $0.endTime = Rig.now; $0.pausedSeconds = 0; $0.maskedSeconds = 0
        })
        #expect(done[1].status == .completed && done[1].sizeBytes == 5000)
        #expect(rig.files.discarded == [short.filePath])
        #expect(rig.store.row(short.id)?.status == .discarded)
        #expect(rig.events.payloads.suffix(2) == [.recordingCompleted(done[0]), .recordingCompleted(done[1])])
    }

    @Test func aFailedShortRecordingIsFailedNotDiscarded() throws {
        let rig = Rig()
        rig.login()
        let r = try #require(Rig.started(rig.start(options: StartOptions(minDurationMilliseconds: 5000))))
        rig.handle(r)?.set { $0.seconds = 1; $0.error = "write failed" }
        let done = try #require(Rig.completed(rig.stop()).first)
        #expect(done.status == .failed && done.cause == "error" && done.failureReason == "write failed")
        #expect(rig.files.discarded.isEmpty)
        #expect(rig.events.payloads.last == .recordingFailed(done, reason: "write failed"))
    }
}

/// Timeouts and the other end rules: the backend is given them (it ends on unpaused
/// audio); a recording that ended by itself is completed with the backend's cause.
@Suite struct EndRuleTests {
    @Test func theRulesGivenToTheBackend() throws {
        let rig = Rig { $0.limitSeconds = 600; $0.silenceThresholdDBFS = -50 }
        rig.login()
        let plain = try #require(Rig.started(rig.start()))
        #expect(rig.handle(plain)?.plan.rules == EndRules(timeoutSeconds: 600, silenceThresholdDBFS: -50))
        let options = StartOptions(timeout: 30, endOnSilence: 5, endOnKey: "#")
        let timed = try #require(Rig.started(rig.start(options: options)))
        #expect(rig.handle(timed)?.plan.rules == EndRules(timeoutSeconds: 30, silenceSeconds: 5, silenceThresholdDBFS: -50, key: "#"))
        // A timeout beyond the global limit is cut to it.
        let capped = try #require(Rig.started(rig.start(options: StartOptions(timeout: 7200))))
        #expect(rig.handle(capped)?.plan.rules.timeoutSeconds == 600)
    }

    @Test func aRecordingThatEndsByItselfIsCompletedWithItsCause() throws {
        let rig = Rig()
        rig.login()
        let r = try #require(Rig.started(rig.start(options: StartOptions(timeout: 30))))
        let other = try #require(Rig.started(rig.start()))
        let handle = try #require(rig.handle(r))
        handle.set { $0.seconds = 30; $0.pausedSeconds = 12 }
        rig.backend.autoEnd(handle, cause: "timeout")
        let row = try #require(rig.store.row(r.id))
        #expect(row.status == .completed && row.cause == "timeout" && row.durationSeconds == 30 && row.pausedSeconds == 12)
        #expect(rig.events.payloads.last == .recordingCompleted(row))
        #expect(rig.status().map(\.id) == [other.id])
        // One a STOP already took is left to that STOP.
        rig.backend.autoEnd(handle, cause: "timeout")
        #expect(rig.store.row(r.id) == row)
    }
}
