import Foundation
import TapedeckControl

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

    /// What a START / BEGIN (or a campaign policy) asks for.
    struct StartRequest {
        var function: RecordingFunction
        var agentUser: String
        var options: StartOptions
        var origin: RecordingOrigin = .api
        var forced = false
        /// For campaign starts: the call they belong to.
        var callSerial: Int?
    }

    func start(_ function: RecordingFunction, _ agentUser: String, _ options: StartOptions) -> Reply {
        start(StartRequest(function: function, agentUser: agentUser, options: options))
    }

    /// START / BEGIN. The audio begins where the station's ring stood when the command
    /// arrived (the mark is taken first), not when the writer gets to it.
    func start(_ request: StartRequest) -> Reply {
        let function = request.function, agentUser = request.agentUser, options = request.options
        let arrival = clock()
        let settings = self.settings   // one reading for the whole command (a reload may change them)
        guard let station = session(agentUser)?.agent.station else {
            return .failure(.agentNotLoggedIn(agentUser: agentUser))
        }
        let preroll = Double(options.prerollMilliseconds ?? 0) / 1000
        if preroll > backend.historySeconds {
            return .failure(invalid(function, agentUser, "preroll",
                                    "must be at most \(Int(backend.historySeconds)) seconds (the station's history)"))
        }
        let mark: AudioMark
        do throws(BackendError) {
            mark = try backend.mark(station: station, prerollSeconds: preroll)
        } catch {
            return .failure(.stationUnavailable(station: station, agentUser: agentUser, reason: error.reason))
        }
        // Events are sent after the lock is released: a sink may call back into the controller.
        var events: [Event] = []
        let reply = state.withLock { s -> Reply in
            guard var session = s.sessions[agentUser] else { return .failure(.agentNotLoggedIn(agentUser: agentUser)) }
            let agent = session.agent
            guard s.accepting else {
                return .failure(.startFailed(function, agent, reason: "the recorder is shutting down"))
            }
            if let reason = backend.unavailability(of: agent.station) {
                return .failure(.stationUnavailable(station: agent.station, agentUser: agentUser, reason: reason))
            }
            if request.origin == .api, settings.apiObeysCampaignPolicy, session.call?.call.campaignRecording == .never {
                return .failure(.recordingDisabled(function, agent))
            }
            if request.origin == .api, function == .stereoRecording, let running = session.active(.stereoRecording).first {
                return .failure(.stereoRecordingActive(agent, recordingID: running.snapshot.id))
            }
            if session.recordings.count >= settings.maxRecordingsPerAgent {
                return .failure(.recordingLimit(function, agent, .perAgent(settings.maxRecordingsPerAgent)))
            }
            if s.sessions.values.reduce(0, { $0 + $1.recordings.count }) >= settings.maxRecordings {
                return .failure(.recordingLimit(function, agent, .total(settings.maxRecordings)))
            }
            let kind: RecordingSnapshot.Kind = function == .stereoRecording ? .stereo : .mono
            let format = options.format ?? settings.format
            if options.bitrate != nil && format != .mp3 {
                return .failure(invalid(function, agentUser, "bitrate", "applies to mp3 only (this recording is \(format.rawValue))"))
            }
            // A bitrate the encoder would change at the station's rate is refused, never changed.
            let allowed = MP3Bitrates.at(sampleRate: mark.sampleRate)
            if let asked = options.bitrate, !allowed.contains(asked) {
                return .failure(invalid(function, agentUser, "bitrate",
                                        "must be one of \(MP3Bitrates.list(allowed)) at \(mark.sampleRate) Hz (station \(agent.station))"))
            }
            if let url = options.eventURL, !settings.eventURLPrefixes.contains(where: { url.hasPrefix($0) }) {
                return .failure(invalid(function, agentUser, "event_url", "is not under a callback prefix the configuration allows"))
            }
            let bitrate = options.bitrate ?? (kind == .stereo ? settings.stereoBitrate : settings.monoBitrate)
            let call = request.callSerial == nil || session.call?.serial == request.callSerial ? session.call : nil
            let template = function == .stereoRecording ? settings.stereoTemplate : settings.recordingTemplate
            var values = FilenameTemplate.Values(
                date: arrival, timeZone: settings.timeZone, agent: agentUser, custPhone: call?.call.phoneNumber,
                campaign: call?.call.campaign, inGroup: call?.call.ingroup, leadID: call?.call.leadID,
                vendorLeadCode: call?.call.vendorLeadCode, callID: call?.call.callID, station: agent.station)
            // The row is written first (its recording_id may be part of the name), under a
            // provisional name; the final name follows at once.
            let provisional = template.render(values, stage: options.stage)
            var snapshot = RecordingSnapshot(
                id: 0, function: function, kind: kind, status: .started, format: format,
                agentUser: agentUser, sessionID: agent.sessionID, station: agent.station,
                filename: provisional, filePath: settings.spool + "/" + provisional + format.fileExtension,
                durationSeconds: 0, sizeBytes: 0, stage: options.stage,
                serverIP: settings.serverIP, startTime: arrival, createdAt: arrival, updatedAt: arrival,
                callID: call?.call.callID, leadID: call?.call.leadID)
            snapshot.byCampaign = request.origin == .campaign
            snapshot.eventURL = options.eventURL
            var rules = EndRules(timeoutSeconds: min(Double(options.timeout ?? Int.max), settings.limitSeconds),
                                 silenceSeconds: options.endOnSilence.map(Double.init),
                                 silenceThresholdDBFS: settings.silenceThresholdDBFS, key: options.endOnKey)
            if rules.timeoutSeconds == Double(Int.max) { rules.timeoutSeconds = settings.limitSeconds }
            var plan = RecordingPlan(station: agent.station, kind: kind, format: format,
                                     bitrateKbps: format == .mp3 ? bitrate : nil, path: snapshot.filePath, rules: rules)
            if let problem = backend.problem(with: plan) {
                return .failure(invalid(function, agentUser, options.bitrate != nil ? "bitrate" : "format", problem))
            }
            do {
                snapshot.id = try store.insertStarted(snapshot)
            } catch {
                return .failure(.startFailed(function, agent, reason: "recording log: \(error)"))
            }
            values.recordingID = snapshot.id
            let name = FilenameTemplate.uniqued(template.render(values, stage: options.stage)) { candidate in
                let taken = [candidate] + (options.splitLegs ? [candidate + "-agent", candidate + "-customer"] : [])
                return taken.contains { s.namesInUse.contains($0) || Self.fileExists(settings.spool, $0) }
            }
            snapshot.filename = name
            snapshot.filePath = settings.spool + "/" + name + format.fileExtension
            plan.path = snapshot.filePath
            var legs: [RecordingSnapshot] = []
            if options.splitLegs {
                for (legKind, suffix) in [(RecordingSnapshot.Kind.agentLeg, "-agent"), (.customerLeg, "-customer")] {
                    var leg = snapshot
                    leg.kind = legKind
                    leg.filename = name + suffix
                    leg.filePath = settings.spool + "/" + leg.filename + format.fileExtension
                    do { leg.id = try store.insertStarted(leg) } catch {
                        return .failure(.startFailed(function, agent, reason: "recording log: \(error)"))
                    }
                    legs.append(leg)
                }
                plan.legPaths = (legs[0].filePath, legs[1].filePath)
                plan.legBitrateKbps = format == .mp3 ? settings.monoBitrate : nil
            }
            let handle: any RecordingHandle
            do throws(BackendError) {
                handle = try backend.start(plan, from: mark)
            } catch {
                let end = clock()
                for var r in [snapshot] + legs {
                    r.status = .failed
                    r.cause = "error"
                    r.failureReason = error.reason
                    r.endTime = end
                    r.updatedAt = end
                    try? store.complete(r, framesLost: 0, repair: nil)
                    events.append(Event(.recordingFailed(r, reason: error.reason), createdAt: end))
                }
                return .failure(.startFailed(function, agent, reason: error.reason))
            }
            for r in [snapshot] + legs { try? store.started(r) }
            s.namesInUse.formUnion([name] + legs.map(\.filename))
            session.recordings.append(LiveRecording(
                snapshot: snapshot, legs: legs, handle: handle, origin: request.origin, forced: request.forced,
                minDurationSeconds: options.minDurationMilliseconds.map { Double($0) / 1000 }, callSerial: call?.serial))
            s.sessions[agentUser] = session
            events += ([snapshot] + legs).map { Event(.recordingStarted($0), createdAt: arrival) }
            return .recordingStarted(agent, snapshot)
        }
        for e in events { self.events.publish(e) }
        return reply
    }

    func invalid(_ function: RecordingFunction, _ agentUser: String, _ name: String, _ reason: String) -> ControlError {
        .invalidParameter(InvalidParameter(function: function == .recording ? .recording : .stereoRecording,
                                           name: name, problem: .malformed(reason), agentUser: agentUser))
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
        return .recordingStopped(function, agent, completed: complete(live, cause: "stopped"))
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
    func complete(_ live: [LiveRecording], cause: String, results given: [FinishedRecording]? = nil) -> [RecordingSnapshot] {
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
                    s.cause = result.cause ?? "error"
                    s.failureReason = error
                } else if tooShort {
                    // FreeSWITCH's RECORD_MIN_SEC: the file goes, the row stays.
                    try? FileManager.default.removeItem(atPath: file.path)
                    s.status = .discarded
                    s.cause = "too_short"
                    s.sizeBytes = 0
                    s.sha256 = nil
                } else {
                    s.status = .completed
                    s.cause = result.cause ?? cause
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
    /// complete it. One a STOP already took is left to that STOP.
    func autoEnded(_ handle: any RecordingHandle, _ result: FinishedRecording) {
        let live: LiveRecording? = state.withLock { s in
            for (user, var session) in s.sessions {
                if let i = session.recordings.firstIndex(where: { $0.handle === handle }) {
                    let r = session.recordings.remove(at: i)
                    s.sessions[user] = session
                    return r
                }
            }
            return nil
        }
        guard let live else { return }
        _ = complete([live], cause: result.cause ?? "stopped", results: [result])
    }

    static func fileExists(_ spool: String, _ name: String) -> Bool {
        let fm = FileManager.default
        return RecordingSnapshot.Format.allCases.contains { f in
            let path = spool + "/" + name + f.fileExtension
            return fm.fileExists(atPath: path) || fm.fileExists(atPath: path + ".part")
        }
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
