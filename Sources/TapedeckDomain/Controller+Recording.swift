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
        case .pause, .resume, .mask, .unmask:
            guard let session = session(command.agentUser) else {
                return .failure(.agentNotLoggedIn(agentUser: command.agentUser))
            }
            return .failure(.invalidState(command.function, command.action.verb, session.agent,
                                          reason: "\(command.action.verb.rawValue) is not supported by this daemon yet"))
        }
    }

    /// START / BEGIN. The audio begins where the station's ring stood when the command
    /// arrived (the mark is taken first), not when the writer gets to it.
    func start(_ function: RecordingFunction, _ agentUser: String, _ options: StartOptions) -> Reply {
        let arrival = clock()
        guard let station = session(agentUser)?.agent.station else {
            return .failure(.agentNotLoggedIn(agentUser: agentUser))
        }
        let mark: AudioMark
        do throws(BackendError) {
            mark = try backend.mark(station: station, prerollSeconds: Double(options.prerollMilliseconds ?? 0) / 1000)
        } catch {
            return .failure(.stationUnavailable(station: station, agentUser: agentUser, reason: error.reason))
        }
        // Events are sent after the lock is released: a sink may call back into the controller.
        var event: Event?
        let reply = state.withLock { s -> Reply in
            guard var session = s.sessions[agentUser] else { return .failure(.agentNotLoggedIn(agentUser: agentUser)) }
            let agent = session.agent
            guard s.accepting else {
                return .failure(.startFailed(function, agent, reason: "the recorder is shutting down"))
            }
            if let reason = backend.unavailability(of: agent.station) {
                return .failure(.stationUnavailable(station: agent.station, agentUser: agentUser, reason: reason))
            }
            if function == .stereoRecording, let running = session.active(.stereoRecording).first {
                return .failure(.stereoRecordingActive(agent, recordingID: running.snapshot.id))
            }
            let kind: RecordingSnapshot.Kind = function == .stereoRecording ? .stereo : .mono
            let format = options.format ?? settings.format
            let template = function == .stereoRecording ? settings.stereoTemplate : settings.recordingTemplate
            var values = FilenameTemplate.Values(date: arrival, timeZone: settings.timeZone, agent: agentUser,
                                                 station: agent.station)
            // The row is written first (its recording_id may be part of the name), under a
            // provisional name; the final name follows at once.
            let provisional = template.render(values, stage: options.stage)
            var snapshot = RecordingSnapshot(
                id: 0, function: function, kind: kind, status: .started, format: format,
                agentUser: agentUser, sessionID: agent.sessionID, station: agent.station,
                filename: provisional, filePath: settings.spool + "/" + provisional + format.fileExtension,
                durationSeconds: 0, sizeBytes: 0, stage: options.stage,
                serverIP: settings.serverIP, startTime: arrival, createdAt: arrival, updatedAt: arrival)
            do {
                snapshot.id = try store.insertStarted(snapshot)
            } catch {
                return .failure(.startFailed(function, agent, reason: "recording log: \(error)"))
            }
            values.recordingID = snapshot.id
            let name = FilenameTemplate.uniqued(template.render(values, stage: options.stage)) { candidate in
                s.namesInUse.contains(candidate) || Self.fileExists(settings.spool, candidate)
            }
            snapshot.filename = name
            snapshot.filePath = settings.spool + "/" + name + format.fileExtension
            let bitrate = options.bitrate ?? (kind == .stereo ? settings.stereoBitrate : settings.monoBitrate)
            let plan = RecordingPlan(station: agent.station, kind: kind, format: format,
                                     bitrateKbps: format == .mp3 ? bitrate : nil, path: snapshot.filePath)
            let handle: any RecordingHandle
            do throws(BackendError) {
                handle = try backend.start(plan, from: mark)
            } catch {
                snapshot.status = .failed
                snapshot.cause = "error"
                snapshot.failureReason = error.reason
                snapshot.endTime = clock()
                snapshot.updatedAt = snapshot.endTime!
                try? store.complete(snapshot, framesLost: 0)
                event = Event(.recordingFailed(snapshot, reason: error.reason), createdAt: snapshot.updatedAt)
                return .failure(.startFailed(function, agent, reason: error.reason))
            }
            if name != provisional { try? store.setLocation(id: snapshot.id, filename: name, location: snapshot.filePath) }
            s.namesInUse.insert(name)
            session.recordings.append(LiveRecording(snapshot: snapshot, handle: handle))
            s.sessions[agentUser] = session
            event = Event(.recordingStarted(snapshot), createdAt: arrival)
            return .recordingStarted(agent, snapshot)
        }
        if let event { events.publish(event) }
        return reply
    }

    /// STOP / END: every running recording of that function ends; the reply comes once
    /// their files are final.
    func stop(_ function: RecordingFunction, _ agentUser: String) -> Reply {
        let taken: (AgentSnapshot, [LiveRecording])? = state.withLock { s in
            guard var session = s.sessions[agentUser] else { return nil }
            let ending = session.active(function)
            session.recordings.removeAll { $0.snapshot.function == function }
            s.sessions[agentUser] = session
            return (session.agent, ending)
        }
        guard let (agent, live) = taken else { return .failure(.agentNotLoggedIn(agentUser: agentUser)) }
        if live.isEmpty { return .failure(.nothingRunning(function, .stop, agent)) }
        return .recordingStopped(function, agent, completed: complete(live, cause: "stopped"))
    }

    /// Ends `live` recordings: waits for their files, completes their log rows, sends
    /// their events. Returns their final snapshots.
    func complete(_ live: [LiveRecording], cause: String) -> [RecordingSnapshot] {
        guard !live.isEmpty else { return [] }
        let finished = backend.finish(live.map(\.handle))
        let end = clock()
        var done: [RecordingSnapshot] = []
        for (recording, result) in zip(live, finished) {
            var s = recording.snapshot
            s.endTime = end
            s.updatedAt = end
            s.durationSeconds = result.durationSeconds
            s.sizeBytes = result.sizeBytes
            s.cause = result.error == nil ? cause : "error"
            if let error = result.error {
                s.status = .failed
                s.failureReason = error
            } else {
                s.status = .completed
            }
            try? store.complete(s, framesLost: result.framesLost)
            if let error = result.error {
                events.publish(Event(.recordingFailed(s, reason: error), createdAt: end))
            } else {
                events.publish(Event(.recordingCompleted(s), createdAt: end))
            }
            done.append(s)
        }
        state.withLock { st in for r in live { st.namesInUse.remove(r.snapshot.filename) } }
        return done
    }

    static func fileExists(_ spool: String, _ name: String) -> Bool {
        let fm = FileManager.default
        return RecordingSnapshot.Format.allCases.contains { f in
            let path = spool + "/" + name + f.fileExtension
            return fm.fileExists(atPath: path) || fm.fileExists(atPath: path + ".part")
        }
    }

    // MARK: Lookup and calls

    public static let lookupLimit = 100_000

    func lookup(_ query: RecordingLookup) -> Reply {
        do {
            let rows = try store.lookup(query, limit: Self.lookupLimit)
            return .lookupResults(query, rows)
        } catch {
            return .failure(.noRecordingsFound(search: query.searchText))
        }
    }

    func callStart(_ call: CallStart) -> Reply {
        guard let session = session(call.agentUser) else { return .failure(.agentNotLoggedIn(agentUser: call.agentUser)) }
        return .failure(.invalidState(.recording, .start, session.agent, reason: "call_start is not supported by this daemon yet"))
    }

    func callEnd(_ agentUser: String) -> Reply {
        guard let session = session(agentUser) else { return .failure(.agentNotLoggedIn(agentUser: agentUser)) }
        return .failure(.invalidState(.recording, .stop, session.agent, reason: "call_end is not supported by this daemon yet"))
    }
}
