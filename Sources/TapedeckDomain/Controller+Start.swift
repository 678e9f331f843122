import Foundation
import TapedeckVocabulary

extension Controller {
    /// What a START / BEGIN (or a campaign policy) asks for.
    struct StartRequest: Sendable {
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
    /// arrived (the mark is taken first), not when the writer gets to it. The checks and
    /// a reserved slot are taken under the lock; the rows and the file are written
    /// outside it; the recording joins its session under the lock again. Events are sent
    /// outside the lock: a sink may call back into the controller.
    func start(_ request: StartRequest) -> Reply {
        let arrival = clock()
        let settings = self.settings   // one reading for the whole command (a reload may change them)
        do throws(ControlError) {
            let mark = try markAudio(request)
            var pending = try reserve(request, mark: mark, arrival: arrival, settings: settings)
            defer { endFlight() }
            try writeRows(&pending, settings: settings)
            let handle = try startFile(pending)
            for r in pending.rows { try? store.started(r) }
            return commit(pending, handle: handle)
        } catch {
            return .failure(error)
        }
    }

    /// The point in the station's audio where the recording begins (`preroll` earlier).
    func markAudio(_ request: StartRequest) throws(ControlError) -> AudioMark {
        guard let station = session(request.agentUser)?.agent.station else {
            throw .agentNotLoggedIn(agentUser: request.agentUser)
        }
        let preroll = Double(request.options.prerollMilliseconds ?? 0) / 1000
        if preroll > backend.historySeconds {
            throw invalid(request.function, request.agentUser, "preroll",
                          "must be at most \(Int(backend.historySeconds)) seconds (the station's history)")
        }
        do throws(BackendError) {
            return try backend.mark(station: station, prerollSeconds: preroll)
        } catch {
            throw .stationUnavailable(station: station, agentUser: request.agentUser, reason: error.reason)
        }
    }

    /// Under the lock: the checks, the plan, and a slot reserved on the session (it counts
    /// against the limits from now on, so concurrent STARTs cannot exceed them).
    func reserve(_ request: StartRequest, mark: AudioMark, arrival: Date,
                 settings: ControllerSettings) throws(ControlError) -> PendingStart {
        try state.withLock { s throws(ControlError) -> PendingStart in
            guard var session = s.sessions[request.agentUser] else {
                throw .agentNotLoggedIn(agentUser: request.agentUser)
            }
            try admit(request, session, in: s, settings: settings)
            s.reservationSerial += 1
            let pending = try plan(request, session, reservation: s.reservationSerial,
                                   stationLosses: s.stationLosses[session.agent.station, default: 0],
                                   mark: mark, arrival: arrival, settings: settings)
            session.reserved.append(StartReservation(serial: s.reservationSerial, function: request.function,
                                                     origin: request.origin))
            s.sessions[request.agentUser] = session
            s.startsInFlight += 1
            return pending
        }
    }

    /// Whether the session may start this recording now: not shutting down, the station's
    /// device up, the call's campaign policy, one API stereo recording at a time, the limits.
    func admit(_ request: StartRequest, _ session: AgentSession, in s: State,
               settings: ControllerSettings) throws(ControlError) {
        let function = request.function, agent = session.agent
        guard s.accepting else { throw .startFailed(function, agent, reason: "the recorder is shutting down") }
        if let reason = backend.unavailability(of: agent.station) {
            throw .stationUnavailable(station: agent.station, agentUser: agent.agentUser, reason: reason)
        }
        if let serial = request.callSerial, session.call?.serial != serial {
            throw .startFailed(function, agent, reason: "the call ended")
        }
        if request.origin == .api, settings.apiObeysCampaignPolicy, session.call?.call.campaignRecording == .never {
            throw .recordingDisabled(function, agent)
        }
        if request.origin == .api, function == .stereoRecording {
            if let running = session.active(.stereoRecording).first {
                throw .stereoRecordingActive(agent, recordingID: running.snapshot.id)
            }
            if let starting = session.reserved.first(where: { $0.origin == .api && $0.function == .stereoRecording }) {
                throw .stereoRecordingActive(agent, recordingID: starting.recordingID)
            }
        }
        if session.recordingCount >= settings.maxRecordingsPerAgent {
            throw .recordingLimit(function, agent, .perAgent(settings.maxRecordingsPerAgent))
        }
        if s.sessions.values.reduce(0, { $0 + $1.recordingCount }) >= settings.maxRecordings {
            throw .recordingLimit(function, agent, .total(settings.maxRecordings))
        }
    }

    /// The recording's row under a provisional name, its end rules and its plan, after the
    /// checks of its options (format, bitrate at the station's rate, event_url).
    func plan(_ request: StartRequest, _ session: AgentSession, reservation: Int, stationLosses: Int,
              mark: AudioMark, arrival: Date, settings: ControllerSettings) throws(ControlError) -> PendingStart {
        let function = request.function, agentUser = request.agentUser, options = request.options
        let agent = session.agent
        let kind: RecordingSnapshot.Kind = function == .stereoRecording ? .stereo : .mono
        let format = options.format ?? settings.format
        if options.bitrate != nil && format != .mp3 {
            throw invalid(function, agentUser, "bitrate", "applies to mp3 only (this recording is \(format.rawValue))")
        }
        // A bitrate the encoder would change at the station's rate is refused, never changed.
        let allowed = MP3Bitrates.at(sampleRate: mark.sampleRate)
        if let asked = options.bitrate, !allowed.contains(asked) {
            throw invalid(function, agentUser, "bitrate",
                          "must be one of \(MP3Bitrates.list(allowed)) at \(mark.sampleRate) Hz (station \(agent.station))")
        }
        if let url = options.eventURL, !settings.eventURLPrefixes.contains(where: { url.hasPrefix($0) }) {
            throw invalid(function, agentUser, "event_url", "is not under a callback prefix the configuration allows")
        }
        let bitrate = options.bitrate ?? (kind == .stereo ? settings.stereoBitrate : settings.monoBitrate)
        let call = session.call
        let template = function == .stereoRecording ? settings.stereoTemplate : settings.recordingTemplate
        let values = FilenameTemplate.Values(
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
        let rules = EndRules(timeoutSeconds: options.timeout.map { min(Double($0), settings.limitSeconds) } ?? settings.limitSeconds,
                             silenceSeconds: options.endOnSilence.map(Double.init),
                             silenceThresholdDBFS: settings.silenceThresholdDBFS, key: options.endOnKey)
        let plan = RecordingPlan(station: agent.station, kind: kind, format: format,
                                 bitrateKbps: format == .mp3 ? bitrate : nil, path: snapshot.filePath, rules: rules)
        if let problem = backend.problem(with: plan) {
            throw invalid(function, agentUser, options.bitrate != nil ? "bitrate" : "format", problem)
        }
        return PendingStart(request: request, arrival: arrival, mark: mark, reservation: reservation, agent: agent,
                            sessionSerial: session.serial, stationLosses: stationLosses, callSerial: call?.serial,
                            template: template, values: values, snapshot: snapshot, plan: plan)
    }

    /// Outside the lock: the row, the final name (rendered with the row's recording_id,
    /// reserved in `namesInUse`), the legs' rows. A failure gives the reservation back.
    func writeRows(_ p: inout PendingStart, settings: ControllerSettings) throws(ControlError) {
        let options = p.request.options, format = p.snapshot.format
        do {
            p.snapshot.id = try store.insertStarted(p.snapshot)
        } catch {
            rollBack(p)
            throw .startFailed(p.request.function, p.agent, reason: "recording log: \(error)")
        }
        p.values.recordingID = p.snapshot.id
        let legSuffixes = options.splitLegs ? ["-agent", "-customer"] : []
        let name = reserveName(p.template.render(p.values, stage: options.stage), suffixes: legSuffixes,
                               spool: settings.spool, for: p)
        p.names = [name] + legSuffixes.map { name + $0 }
        p.snapshot.filename = name
        p.snapshot.filePath = settings.spool + "/" + name + format.fileExtension
        p.plan.path = p.snapshot.filePath
        guard options.splitLegs else { return }
        for (legKind, suffix) in zip([RecordingSnapshot.Kind.agentLeg, .customerLeg], legSuffixes) {
            var leg = p.snapshot
            leg.kind = legKind
            leg.filename = name + suffix
            leg.filePath = settings.spool + "/" + leg.filename + format.fileExtension
            do { leg.id = try store.insertStarted(leg) } catch {
                rollBack(p)
                throw .startFailed(p.request.function, p.agent, reason: "recording log: \(error)")
            }
            p.legs.append(leg)
        }
        p.plan.legPaths = (p.legs[0].filePath, p.legs[1].filePath)
        p.plan.legBitrateKbps = format == .mp3 ? settings.monoBitrate : nil
    }

    /// The first of `base`, `base-2`, … that neither a running recording nor a file in the
    /// spool has (with each of `suffixes` too), reserved in `namesInUse` at once. The spool
    /// is asked outside the lock; names being written are in `namesInUse` before their file.
    func reserveName(_ base: String, suffixes: [String], spool: String, for p: PendingStart) -> String {
        FilenameTemplate.uniqued(base) { candidate in
            let names = [candidate] + suffixes.map { candidate + $0 }
            if names.contains(where: { files.nameTaken($0, in: spool) }) { return true }
            let reserved = state.withLock { s in
                if let i = s.sessions[p.agent.agentUser]?.reserved.firstIndex(where: { $0.serial == p.reservation }) {
                    s.sessions[p.agent.agentUser]!.reserved[i].recordingID = p.snapshot.id
                }
                guard !names.contains(where: s.namesInUse.contains) else { return false }
                s.namesInUse.formUnion(names)
                return true
            }
            return !reserved
        }
    }

    /// Outside the lock: creates the file and starts the capture. On failure the rows are
    /// completed as failed (with `recording.failed`) and the reservation given back.
    func startFile(_ p: PendingStart) throws(ControlError) -> any RecordingHandle {
        do throws(BackendError) {
            return try backend.start(p.plan, from: p.mark)
        } catch {
            rollBack(p)
            let end = clock()
            for var r in p.rows {
                r.status = .failed
                r.cause = EndCause.error.rawValue
                r.failureReason = error.reason
                r.endTime = end
                r.updatedAt = end
                try? store.complete(r, framesLost: 0, repair: nil)
                events.publish(Event(.recordingFailed(r, reason: error.reason), createdAt: end))
            }
            throw .startFailed(p.request.function, p.agent, reason: error.reason)
        }
    }

    /// Under the lock: the recording joins its session. One whose session, call or device
    /// went away meanwhile, or that began as the daemon began shutting down, ends at once
    /// for that cause (its file valid, its row completed); one that ended by itself first
    /// (timeout) is completed with that result. The reply is the START's either way.
    func commit(_ p: PendingStart, handle: any RecordingHandle) -> Reply {
        let request = p.request
        let live = LiveRecording(
            snapshot: p.snapshot, legs: p.legs, handle: handle, origin: request.origin, forced: request.forced,
            minDurationSeconds: request.options.minDurationMilliseconds.map { Double($0) / 1000 }, callSerial: p.callSerial)
        let (cause, early): (EndCause?, FinishedRecording?) = state.withLock { s in
            let early = s.earlyEnds.firstIndex { $0.handle === handle }.map { s.earlyEnds.remove(at: $0).result }
            guard var session = s.sessions[request.agentUser], session.serial == p.sessionSerial else {
                return (.logout, early)
            }
            session.reserved.removeAll { $0.serial == p.reservation }
            let cause: EndCause? = if !s.accepting { .shutdown }
                else if s.stationLosses[p.agent.station, default: 0] != p.stationLosses { .deviceLost }
                else if p.callSerial != nil && session.call?.serial != p.callSerial { .callEnd }
                else { nil }
            if cause == nil && early == nil { session.recordings.append(live) }
            s.sessions[request.agentUser] = session
            return (cause, early)
        }
        for r in p.rows { events.publish(Event(.recordingStarted(r), createdAt: p.arrival)) }
        if let early {
            _ = complete([live], cause: early.cause.map(EndCause.init(rawValue:)) ?? .stopped, results: [early])
        } else if let cause {
            _ = complete([live], cause: cause)
        }
        return .recordingStarted(p.agent, p.snapshot)
    }

    /// Gives a START's reservation back: its slot and the names it held.
    func rollBack(_ p: PendingStart) {
        state.withLock { s in
            s.sessions[p.agent.agentUser]?.reserved.removeAll { $0.serial == p.reservation }
            s.namesInUse.subtract(p.names)
        }
    }

    /// A START ended (committed or rolled back).
    func endFlight() {
        let landed = state.withLock { s in
            s.startsInFlight -= 1
            if s.startsInFlight == 0 { s.earlyEnds = [] }
            return s.startsInFlight == 0
        }
        if landed {
            // Taking the condition's lock orders this wake-up after a waiter's check.
            startsLanded.lock()
            startsLanded.broadcast()
            startsLanded.unlock()
        }
    }

    func invalid(_ function: RecordingFunction, _ agentUser: String, _ name: String, _ reason: String) -> ControlError {
        .invalidParameter(InvalidParameter(function: function == .recording ? .recording : .stereoRecording,
                                           name: name, problem: .malformed(reason), agentUser: agentUser))
    }
}
