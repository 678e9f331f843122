import Foundation
import Testing
import TapedeckDomain
import TapedeckVocabulary

/// Logout, shutdown, device loss, reload, and each of them racing a START in flight.
@Suite struct LifecycleTests {
    let agent = Rig.agent()

    @Test func logoutEndsEveryRecordingThenSaysSo() throws {
        let rig = Rig()
        rig.login()
        rig.callStart(CallStart(agentUser: "1000", callID: "C1", campaignRecording: .allForce))
        _ = rig.start()
        _ = rig.start("1000", .stereoRecording)
        let reply = rig.controller.handle(.logout(agentUser: "1000"))
        let done = Rig.completed(reply)
        #expect(reply == .loggedOut(agent, completed: done))
        #expect(done.count == 3 && done.allSatisfy { $0.cause == "logout" && $0.status == .completed })
        #expect(rig.events.payloads.last == .agentLogout(agent))
        #expect(rig.controller.handle(.logout(agentUser: "1000")) == .failure(.agentNotLoggedIn(agentUser: "1000")))
        // The station is free again.
        #expect(rig.login("2000") == .loggedIn(Rig.agent("2000")))
    }

    @Test func loginRules() {
        let rig = Rig()
        #expect(rig.login() == .loggedIn(agent))
        #expect(rig.events.payloads == [.agentLogin(agent)])
        #expect(rig.login("2000") == .failure(.stationInUse(station: "st1", agentUser: "2000", inUseBy: "1000")))
        #expect(rig.login("1000", station: "st2") == .failure(.agentAlreadyLoggedIn(agentUser: "1000", station: "st1")))
        #expect(rig.login("2000", station: "st9") == .failure(.unknownStation(station: "st9", agentUser: "2000")))
        rig.backend.setDown("st3", "device d1 lost")
        #expect(rig.login("3000", station: "st3") == .failure(.stationUnavailable(station: "st3", agentUser: "3000", reason: "device d1 lost")))
        // The same agent at the same station again: updated, not refused.
        #expect(rig.login() == .loggedIn(agent))
    }

    @Test func shutdownEndsEverythingAndRefusesNewStarts() throws {
        let rig = Rig()
        rig.login()
        rig.login("2000", station: "st2")
        _ = rig.start()
        _ = rig.start("2000", .stereoRecording)
        let done = rig.controller.shutdown()
        #expect(done.count == 2 && done.allSatisfy { $0.cause == "shutdown" && $0.status == .completed })
        #expect(rig.start() == .failure(.startFailed(.recording, agent, reason: "the recorder is shutting down")))
        #expect(rig.controller.activeRecordings.isEmpty)
    }

    @Test func aLostDeviceEndsItsStationsRecordingsThenSaysStationDown() throws {
        let rig = Rig()
        rig.login()
        rig.login("2000", station: "st2")
        rig.login("3000", station: "st3")
        let a = try #require(Rig.started(rig.start()))
        let b = try #require(Rig.started(rig.start("2000", .stereoRecording)))
        let c = try #require(Rig.started(rig.start("3000")))
        rig.events.clear()
        let done = rig.controller.deviceLost(stations: ["st1", "st2"], device: "d1", reason: "device d1 lost: No such device")
        #expect(done.map(\.id) == [a.id, b.id].sorted() || done.map(\.id) == [b.id, a.id])
        #expect(done.allSatisfy { $0.cause == "device_lost" && $0.status == .completed && $0.sha256 != nil })
        #expect(Array(rig.events.payloads.suffix(2)) == [
            .stationDown(station: "st1", device: "d1", reason: "device d1 lost: No such device"),
            .stationDown(station: "st2", device: "d1", reason: "device d1 lost: No such device"),
        ])
        #expect(rig.events.payloads.prefix(2).allSatisfy { if case .recordingCompleted = $0 { true } else { false } })
        #expect(rig.controller.activeRecordings.map(\.id) == [c.id])
        #expect(rig.controller.agents.count == 3)
        rig.controller.deviceRestored(stations: ["st1", "st2"], device: "d1")
        #expect(Array(rig.events.payloads.suffix(2)) == [.stationUp(station: "st1", device: "d1"), .stationUp(station: "st2", device: "d1")])
    }

    @Test func aReloadKeepsRunningRecordingsAsTheyStarted() throws {
        let rig = Rig()
        rig.login()
        rig.login("2000", station: "st2")
        let before = try #require(Rig.started(rig.start()))
        rig.controller.update(settings: Rig.settings(stations: 1) {
            $0.format = .mp3
            $0.recordingTemplate = FilenameTemplate("AGENT_RELOADED")
            $0.maxRecordingsPerAgent = 1
        })
        #expect(rig.status().map(\.filePath) == [before.filePath])
        #expect(rig.start() == .failure(.recordingLimit(.recording, agent, .perAgent(1))))
        let done = Rig.completed(rig.stop())
        #expect(done.map(\.filePath) == [before.filePath] && done[0].format == .wav)
        let after = try #require(Rig.started(rig.start()))
        #expect(after.filePath == "/spool/1000_RELOADED.mp3" && rig.handle(after)?.plan.bitrateKbps == 16)
        // A station the reload removed: its agent stays logged in, cannot log in there again.
        #expect(rig.controller.handle(.logout(agentUser: "2000")) == .loggedOut(Rig.agent("2000", station: "st2"), completed: []))
        #expect(rig.login("2000", station: "st2") == .failure(.unknownStation(station: "st2", agentUser: "2000")))
    }

    /// Whatever ends the session, the call or the device while a START is between its
    /// reservation and its commit ends that recording too (row completed, file final),
    /// and so does the file ending by itself (timeout) before the commit.
    @Test(arguments: ["logout", "shutdown", "device_lost", "call_end", "timeout"])
    func aStartInFlightEndsForWhatHappenedMeanwhile(_ what: String) throws {
        let rig = Rig()
        rig.login()
        rig.callStart(CallStart(agentUser: "1000", callID: "C1"))
        let latch = Latch()
        rig.store.set { $0.onStarted = { _ in latch.hold() } }
        let reply = ResultBox<Reply>(1)
        let replied = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            reply.set(0, rig.start())
            replied.signal()
        }
        #expect(latch.waitUntilHeld())
        rig.store.set { $0.onStarted = nil }
        let stopped = DispatchSemaphore(value: 0)
        switch what {
        case "logout": #expect(rig.controller.handle(.logout(agentUser: "1000")) == .loggedOut(agent, completed: []))
        case "device_lost": #expect(rig.controller.deviceLost(stations: ["st1"], device: "d1", reason: "lost").isEmpty)
        case "call_end": #expect(rig.callEnd() == .callEnded(agent, callID: "C1", completed: []))
        case "timeout": rig.backend.autoEnd(rig.backend.handles[0], cause: "timeout")
        default:
            Thread.detachNewThread {
                _ = rig.controller.shutdown()
                stopped.signal()
            }
            // Shutdown began once the call is gone; it waits for the START in flight.
            while rig.controller.handle(.callStatus(callID: "C1")) != .failure(.callNotFound(callID: "C1")) {}
            #expect(stopped.wait(timeout: .now() + 0.05) == .timedOut)
        }
        latch.release()
        #expect(replied.wait(timeout: .now() + 10) == .success)
        if what == "shutdown" { #expect(stopped.wait(timeout: .now() + 10) == .success) }
        let started = try #require(Rig.started(reply.values[0]))
        let row = try #require(rig.store.row(started.id))
        #expect(row.status == .completed && row.cause == what && row.sha256 == "sha:" + started.filePath)
        #expect(rig.backend.finished.count == 1)
        #expect(rig.controller.activeRecordings.isEmpty)
        let payloads = rig.events.payloads
        let startedAt = payloads.firstIndex(of: .recordingStarted(started))
        let completedAt = payloads.firstIndex(of: .recordingCompleted(row))
        #expect(startedAt != nil && completedAt != nil && startedAt! < completedAt!)
    }
}
