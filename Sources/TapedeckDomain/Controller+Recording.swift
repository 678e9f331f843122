import Foundation
import TapedeckVocabulary

extension Controller {
    func recording(_ command: RecordingCommand) -> Reply {
        switch command.action {
        case .start(let options): return start(command.function, command.agentUser, options)
        case .stop: return stop(command.function, command.agentUser)
        case .status:
            guard let session = session(command.agentUser) else {
                return .failure(.agentNotLoggedIn(agentUser: command.agentUser))
            }
            return .recordingStatus(command.function, session.agent, active: session.active(command.function).map(\.current))
        case .pause(let behavior): return control(command, .pause(skip: behavior == .skip))
        case .resume: return control(command, .resume)
        case .mask: return control(command, .mask)
        case .unmask: return control(command, .unmask)
        }
    }

    /// STOP / END: every running recording of that function ends (not ALLFORCE campaign
    /// ones, unless `api_campaign_policy` is `ignore`); the reply comes once their files are final.
    func stop(_ function: RecordingFunction, _ agentUser: String) -> Reply {
        let keepForced = settings.apiObeysCampaignPolicy
        let taken: (AgentSnapshot, [LiveRecording])? = state.withLock { s in
            guard var session = s.sessions[agentUser] else { return nil }
            let ending = session.active(function).filter { !(keepForced && $0.forced) }
            let ids = Set(ending.map(\.snapshot.id))
            session.recordings.removeAll { ids.contains($0.snapshot.id) }
            s.sessions[agentUser] = session
            return (session.agent, ending)
        }
        guard let (agent, live) = taken else { return .failure(.agentNotLoggedIn(agentUser: agentUser)) }
        if live.isEmpty { return .failure(.nothingRunning(function, .stop, agent)) }
        return .recordingStopped(function, agent, completed: complete(live, cause: .stopped))
    }

    /// PAUSE / RESUME / MASK / UNMASK on all of the agent's recordings of that function.
    func control(_ command: RecordingCommand, _ action: RecordingControlAction) -> Reply {
        let verb = command.action.verb
        let result: Result<(AgentSnapshot, [RecordingSnapshot]), ControlError> = state.withLock { s in
            guard var session = s.sessions[command.agentUser] else {
                return .failure(.agentNotLoggedIn(agentUser: command.agentUser))
            }
            let agent = session.agent
            let ids = Set(session.active(command.function).map(\.snapshot.id))
            guard !ids.isEmpty else { return .failure(.nothingRunning(command.function, verb, agent)) }
            let targets = session.recordings.indices.filter { ids.contains(session.recordings[$0].snapshot.id) }
            let refusal: String? = switch action {
            case .pause: targets.allSatisfy { session.recordings[$0].paused } ? "already paused" : nil
            case .resume: targets.allSatisfy { !session.recordings[$0].paused } ? "not paused" : nil
            case .mask: targets.allSatisfy { session.recordings[$0].masked } ? "already masked" : nil
            case .unmask: targets.allSatisfy { !session.recordings[$0].masked } ? "not masked" : nil
            }
            if let refusal { return .failure(.invalidState(command.function, verb, agent, reason: refusal)) }
            var affected: [RecordingSnapshot] = []
            for i in targets {
                var r = session.recordings[i]
                let applies: Bool = switch action {
                case .pause: !r.paused
                case .resume: r.paused
                case .mask: !r.masked
                case .unmask: r.masked
                }
                guard applies else { continue }
                r.handle.control(action)
                switch action {
                case .pause: r.paused = true
                case .resume: r.paused = false
                case .mask: r.masked = true
                case .unmask: r.masked = false
                }
                session.recordings[i] = r
                affected.append(r.current)
            }
            s.sessions[command.agentUser] = session
            return .success((agent, affected))
        }
        if case .success(let (_, affected)) = result {
            let at = clock()
            for r in affected {
                switch action {
                case .pause: events.publish(Event(.recordingPaused(r), createdAt: at))
                case .resume: events.publish(Event(.recordingResumed(r), createdAt: at))
                case .mask, .unmask: break
                }
            }
        }
        switch result {
        case .success(let (agent, affected)): return .recordingControlled(command.function, verb, agent, affected: affected)
        case .failure(let error): return .failure(error)
        }
    }

    /// Ends `live` recordings: waits for their files (or takes the results given, for
    /// recordings that ended by themselves), completes their log rows, sends their events.
    /// Returns their final snapshots (main files, then legs).
    func complete(_ live: [LiveRecording], cause: EndCause, results given: [FinishedRecording]? = nil) -> [RecordingSnapshot] {
        guard !live.isEmpty else { return [] }
        let finished = given ?? backend.finish(live.map(\.handle))
        let end = clock()
        var done: [RecordingSnapshot] = []
        for (recording, result) in zip(live, finished) {
            let tooShort = recording.minDurationSeconds.map { result.error == nil && result.durationSeconds < $0 } ?? false
            let parts = [(recording.snapshot, result)] + zip(recording.legs, result.legs).map { ($0, $1) }
            for (snapshot, file) in parts {
                var s = snapshot
                s.endTime = end
                s.updatedAt = end
                s.durationSeconds = file.durationSeconds
                s.sizeBytes = file.sizeBytes
                s.sha256 = file.sha256
                s.pausedSeconds = result.pausedSeconds
                s.maskedSeconds = result.maskedSeconds
                if let error = result.error {
                    s.status = .failed
                    s.cause = result.cause ?? EndCause.error.rawValue
                    s.failureReason = error
                } else if tooShort {
                    // FreeSWITCH's RECORD_MIN_SEC: the file goes, the row stays.
                    files.discard(path: file.path)
                    s.status = .discarded
                    s.cause = EndCause.tooShort.rawValue
                    s.sizeBytes = 0
                    s.sha256 = nil
                } else {
                    s.status = .completed
                    s.cause = result.cause ?? cause.rawValue
                }
                try? store.complete(s, framesLost: result.framesLost, repair: file.repair)
                if let error = result.error {
                    events.publish(Event(.recordingFailed(s, reason: error), createdAt: end))
                } else {
                    events.publish(Event(.recordingCompleted(s), createdAt: end))
                }
                done.append(s)
            }
        }
        state.withLock { st in
            for r in live { st.namesInUse.subtract([r.snapshot.filename] + r.legs.map(\.filename)) }
        }
        return done
    }

    /// A recording ended by itself (timeout, silence, key): take it off its session and
    /// complete it. One a STOP already took is left to that STOP; one whose START has not
    /// committed yet is left to that START.
    func autoEnded(_ handle: any RecordingHandle, _ result: FinishedRecording) {
        let live: LiveRecording? = state.withLock { s in
            for (user, var session) in s.sessions {
                if let i = session.recordings.firstIndex(where: { $0.handle === handle }) {
                    let r = session.recordings.remove(at: i)
                    s.sessions[user] = session
                    return r
                }
            }
            // Its START has not committed yet: that START completes it.
            if s.startsInFlight > 0 { s.earlyEnds.append((handle, result)) }
            return nil
        }
        guard let live else { return }
        _ = complete([live], cause: result.cause.map(EndCause.init(rawValue:)) ?? .stopped, results: [result])
    }

    // MARK: Lookup

    public static let lookupLimit = 100_000

    func lookup(_ query: RecordingLookup) -> Reply {
        do {
            let rows = try store.lookup(query, limit: Self.lookupLimit)
            return .lookupResults(query, rows)
        } catch {
            return .failure(.noRecordingsFound(search: query.searchText))
        }
    }
}
