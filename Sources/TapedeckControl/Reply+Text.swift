import Foundation

extension Reply {
    /// VICIdial's wording; see docs/protocol.md for every line.
    func textLines(timeZone: TimeZone) -> String {
        switch self {
        case .loggedIn(let agent):
            return Text.line("SUCCESS: login function sent - ",
                             [agent.agentUser, agent.station, agent.sessionID, agent.agentServer, agent.agentStatus])
        case .loggedOut(let agent, _):
            return Text.line("SUCCESS: logout function sent - ",
                             [agent.agentUser, agent.station, agent.sessionID, agent.agentServer, agent.agentStatus])
        case .agentStatusSet(let agent):
            return Text.line("SUCCESS: agent_status function sent - ",
                             Text.sessionFields(agent, agent.agentStatus, "", "", ""))
        case .recordingStarted(let agent, let recording):
            let function = recording.function
            let word = function.word(for: .start) + (recording.stage?.value ?? "")
            return Text.line("SUCCESS: \(function.rawValue) function sent - ",
                             Text.sessionFields(agent, word, "", "", ""))
        case .recordingStopped(let function, let agent, let completed):
            // A recording with no audio is not a success: the STOP failed line, with its reason.
            if let empty = completed.first(where: \.hadNoAudio) {
                let reason = empty.failureReason ?? RecordingSnapshot.noAudioCause
                return ControlError.stopFailed(function, agent, reason: reason).textLine + "\n"
            }
            return Text.line("SUCCESS: \(function.rawValue) function sent - ",
                             Text.sessionFields(agent, function.word(for: .stop), "", "", ""))
        case .recordingControlled(let function, let verb, let agent, _):
            return Text.line("SUCCESS: \(function.rawValue) function sent - ",
                             Text.sessionFields(agent, function.word(for: verb), "", "", ""))
        case .recordingStatus(let function, let agent, let active):
            if let recording = Reply.mostRecent(active) {
                return Text.line("NOTICE: \(function.rawValue) active - ",
                                 Text.sessionFields(agent, String(recording.id), recording.filename, recording.serverIP,
                                                    TimeFormat.localDateTime(recording.startTime, timeZone: timeZone)))
            }
            return Text.line("NOTICE: not \(function.rawValue) - ", Text.sessionFields(agent, "", "", "", ""))
        case .subscribed:
            return "SUCCESS: subscribe function sent - event stream follows\n"
        case .callStarted(let agent, let call):
            return Text.callLine("call_start", agent, call)
        case .callStatus(let agent, let call):
            return Text.callLine("call_status", agent, call)
        case .callEnded(let agent, let callID, _):
            return Text.line("SUCCESS: call_end function sent - ", Text.sessionFields(agent, callID ?? "", "", "", ""))
        case .lookupResults(let lookup, let recordings):
            guard !recordings.isEmpty else {
                return Reply.failure(.noRecordingsFound(search: lookup.searchText)).textLines(timeZone: timeZone)
            }
            var out = ""
            for r in recordings {
                out += Text.fields([TimeFormat.localDateTime(r.startTime, timeZone: timeZone), r.agentUser,
                                    String(r.id), r.leadID ?? "", r.filePath]) + "\n"
            }
            return out + "\n"
        case .metrics(let exposition):
            // Several lines, then an empty line (as recording_lookup's results).
            return exposition + (exposition.isEmpty || exposition.hasSuffix("\n") ? "" : "\n") + "\n"
        case .health(let health):
            return health.textLine + "\n"
        case .failure(let failure):
            return failure.textLine + "\n"
        }
    }
}

enum Text {
    /// Fields joined with `|`, each cleaned (no control characters, no `|`).
    static func fields(_ values: [String]) -> String {
        values.map { TextField.clean($0) }.joined(separator: "|")
    }

    static func line(_ prefix: String, _ values: [String]) -> String {
        prefix + fields(values) + "\n"
    }

    /// VICIdial's 8-field layout:
    /// `<agent_user>|f2|f3|f4|f5|<agent_server>|<session_id>|<agent_status>`.
    static func sessionFields(_ agent: AgentSnapshot, _ f2: String, _ f3: String, _ f4: String, _ f5: String) -> [String] {
        [agent.agentUser, f2, f3, f4, f5, agent.agentServer, agent.sessionID, agent.agentStatus]
    }

    /// call_start / call_status: `<agent_user>|<call_id>|<lead_id>|<phone_number>|<campaign>|…`.
    static func callLine(_ function: String, _ agent: AgentSnapshot, _ call: CallStart) -> String {
        line("SUCCESS: \(function) function sent - ",
             sessionFields(agent, call.callID ?? "", call.leadID ?? "", call.phoneNumber ?? "", call.campaign ?? ""))
    }
}

extension ControlError {
    /// The text line without newline.
    public var textLine: String {
        switch self {
        case .lineTooLong(let limit):
            return "ERROR: line too long - " + String(limit)
        case .incompleteLine:
            return "ERROR: incomplete line - no newline before end of input"
        case .invalidUTF8(.byte(let n)):
            return "ERROR: invalid UTF-8 - byte \(n)"
        case .invalidUTF8(.parameter(let name)):
            return "ERROR: invalid UTF-8 - " + TextField.clean(name)
        case .invalidJSON(let detail):
            return "ERROR: invalid JSON - " + TextField.clean(detail)
        case .malformedQueryString(let detail):
            return "ERROR: invalid request - " + TextField.clean(detail)
        case .nonScalarValue(let name):
            return "ERROR: invalid request - " + TextField.clean(name) + " must be a string or a number"
        case .missingFunction:
            return "ERROR: NO FUNCTION SPECIFIED"
        case .unknownFunction(let name):
            return "ERROR: function not valid - " + TextField.clean(name)
        case .invalidParameter(let p):
            let function = p.function?.rawValue ?? "request"
            if p.name == "agent_user", let f = p.function, [.recording, .stereoRecording, .agentStatus].contains(f) {
                // VICIdial's own line for a missing or bad agent_user.
                return "ERROR: \(function) not valid - " + Text.fields([p.value ?? "", p.agentUser ?? ""])
            }
            let detail: String
            switch p.problem {
            case .missing: detail = "\(p.name) is missing"
            case .malformed(let reason): detail = "\(p.name) \(reason)"
            }
            return "ERROR: \(function) not valid - " + Text.fields([detail, p.agentUser ?? ""])
        case .invalidValue(let function, let value, let agentUser):
            return "ERROR: \(function.rawValue) not valid - " + Text.fields([value, agentUser])
        case .agentNotLoggedIn(let agentUser):
            return "ERROR: agent_user is not logged in - " + TextField.clean(agentUser)
        case .agentAlreadyLoggedIn(let agentUser, let station):
            return "ERROR: agent_user is already logged in - " + Text.fields([agentUser, station])
        case .unknownStation(let station, let agentUser):
            return "ERROR: station not valid - " + Text.fields([station, agentUser])
        case .stationInUse(let station, let agentUser, let inUseBy):
            return "ERROR: station in use - " + Text.fields([station, agentUser, inUseBy])
        case .stationUnavailable(let station, let agentUser, let reason):
            return "ERROR: station unavailable - " + Text.fields([station, agentUser, reason])
        case .nothingRunning(let function, let verb, let agent):
            return "ERROR: \(function.errorVerb(for: verb)) \(function.rawValue) error - "
                + Text.fields(Text.sessionFields(agent, "", "", "", ""))
        case .stereoRecordingActive(let agent, let recordingID):
            return "ERROR: begin stereo_recording error - "
                + Text.fields(Text.sessionFields(agent, String(recordingID), "", "", ""))
        case .startFailed(let function, let agent, let reason):
            return "ERROR: \(function.errorVerb(for: .start)) \(function.rawValue) error - "
                + Text.fields(Text.sessionFields(agent, reason, "", "", ""))
        case .stopFailed(let function, let agent, let reason):
            return "ERROR: \(function.errorVerb(for: .stop)) \(function.rawValue) error - "
                + Text.fields(Text.sessionFields(agent, reason, "", "", ""))
        case .recordingDisabled(let function, let agent):
            return "ERROR: \(function.rawValue) disabled - " + Text.fields(Text.sessionFields(agent, "", "", "", ""))
        case .invalidState(let function, let verb, let agent, let reason):
            return "ERROR: \(function.errorVerb(for: verb)) \(function.rawValue) error - "
                + Text.fields(Text.sessionFields(agent, reason, "", "", ""))
        case .noRecordingsFound(let search):
            return "ERROR: recording_lookup NO RECORDINGS FOUND - " + TextField.clean(search, keepingBars: true)
        case .callNotFound(let callID):
            return "ERROR: call not found - " + TextField.clean(callID)
        case .tooManyConnections(let limit):
            return "ERROR: too many connections - " + String(limit)
        case .tooManyOpenFiles:
            return "ERROR: too many open files - connection refused"
        case .idleTimeout(let seconds):
            return "ERROR: idle timeout - " + String(seconds)
        case .recordingLimit(let function, let agent, let limit):
            // The START/BEGIN error line VICIdial clients know, with the limit as reason.
            return ControlError.startFailed(function, agent, reason: limit.reason).textLine
        }
    }
}
