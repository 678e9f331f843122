import Foundation

extension Reply {
    /// `{"data":{…}}` on success, `{"error":{"code":"…","message":"…"}}` on failure.
    public func jsonValue(timeZone: TimeZone) -> JSONValue {
        func list(_ recordings: [RecordingSnapshot]) -> JSONValue {
            .array(recordings.map { $0.json(timeZone: timeZone) })
        }
        let data: [(String, JSONValue)]
        switch self {
        case .loggedIn(let agent), .agentStatusSet(let agent):
            data = [("agent", agent.json(timeZone: timeZone))]
        case .loggedOut(let agent, let completed):
            data = [("agent", agent.json(timeZone: timeZone)), ("recordings", list(completed))]
        case .recordingStarted(_, let recording):
            data = [("recording", recording.json(timeZone: timeZone))]
        case .recordingStopped(_, _, let completed):
            data = [("recordings", list(completed))]
        case .recordingStatus(_, let agent, let active):
            data = [("agent", agent.json(timeZone: timeZone)), ("recordings", list(active))]
        case .recordingControlled(_, let verb, _, let affected):
            data = [("action", .string(verb.rawValue)), ("recordings", list(affected))]
        case .subscribed:
            data = [("subscribed", .bool(true))]
        case .callStarted(let agent, let call), .callStatus(let agent, let call):
            data = [("agent", agent.json(timeZone: timeZone)), ("call", call.json)]
        case .callEnded(let agent, let callID, let completed):
            data = [("agent", agent.json(timeZone: timeZone)), ("call_id", callID.map(JSONValue.string) ?? .null),
                    ("recordings", list(completed))]
        case .lookupResults(_, let recordings):
            data = [("recordings", list(recordings))]
        case .metrics(let exposition):
            data = [("metrics", .string(exposition))]
        case .health(let health):
            data = health.jsonMembers
        case .failure(let failure):
            return .object([("error", .object([("code", .string(failure.code.rawValue)),
                                               ("message", .string(failure.message))]))])
        }
        return .object([("data", .object(data))])
    }
}

extension CallStart {
    /// Key order: agent_user, call_id, lead_id, phone_number, campaign, ingroup,
    /// vendor_lead_code, campaign_recording, recording_delay, campaign_stereo.
    public var json: JSONValue {
        func opt(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        return .object([
            ("agent_user", .string(agentUser)),
            ("call_id", opt(callID)),
            ("lead_id", opt(leadID)),
            ("phone_number", opt(phoneNumber)),
            ("campaign", opt(campaign)),
            ("ingroup", opt(ingroup)),
            ("vendor_lead_code", opt(vendorLeadCode)),
            ("campaign_recording", .string(campaignRecording.rawValue)),
            ("recording_delay", .integer(Int64(recordingDelay))),
            ("campaign_stereo", .string(campaignStereo.rawValue)),
        ])
    }
}

extension ControlError {
    /// The JSON `message`: one English sentence fragment naming what is wrong.
    public var message: String {
        switch self {
        case .lineTooLong(let limit):
            return "request line longer than \(limit) bytes; the connection is closed"
        case .incompleteLine:
            return "incomplete request line (no newline) at end of input"
        case .invalidUTF8(.byte(let n)):
            return "request is not valid UTF-8 (byte \(n))"
        case .invalidUTF8(.parameter(let name)):
            return "parameter \(name) is not valid UTF-8"
        case .invalidJSON(let detail):
            return "invalid JSON: \(detail)"
        case .malformedQueryString(let detail):
            return detail
        case .nonScalarValue(let name):
            return "\(name) must be a string or a number"
        case .missingFunction:
            return "function is missing"
        case .unknownFunction(let name):
            return "unknown function: \(name)"
        case .invalidParameter(let p):
            switch p.problem {
            case .missing: return "\(p.name) is missing"
            case .malformed(let reason): return "\(p.name) \(reason)"
            }
        case .invalidValue(let function, let value, _):
            return "\(function.rawValue) value not valid: \(value)"
        case .agentNotLoggedIn(let agentUser):
            return "agent_user is not logged in: \(agentUser)"
        case .agentAlreadyLoggedIn(let agentUser, let station):
            return "agent_user \(agentUser) is already logged in at station \(station)"
        case .unknownStation(let station, _):
            return "unknown station: \(station)"
        case .stationInUse(let station, _, let inUseBy):
            return "station \(station) is in use by agent_user \(inUseBy)"
        case .stationUnavailable(let station, _, let reason):
            return "station \(station) is unavailable: \(reason)"
        case .nothingRunning(let function, let verb, let agent):
            let what = function == .recording ? "recording" : "stereo_recording"
            return "no \(what) running to \(verb.rawValue) for agent_user \(agent.agentUser)"
        case .stereoRecordingActive(let agent, let recordingID):
            return "stereo_recording \(recordingID) is already active for agent_user \(agent.agentUser)"
        case .startFailed(let function, _, let reason):
            return "\(function.rawValue) could not be started: \(reason)"
        case .stopFailed(let function, _, let reason):
            return "\(function.rawValue) could not be stopped: \(reason)"
        case .recordingDisabled(let function, _):
            return "\(function.rawValue) is disabled by the campaign"
        case .invalidState(let function, let verb, _, let reason):
            return "\(function.rawValue) cannot \(verb.rawValue): \(reason)"
        case .noRecordingsFound(let search):
            return "no recordings found: \(search)"
        case .callNotFound(let callID):
            return "no agent has a call with call_id \(callID)"
        case .tooManyConnections(let limit):
            return "the control socket serves at most \(limit) connections at once; the connection is closed"
        case .tooManyOpenFiles:
            return "the daemon is out of file descriptors; the connection is closed"
        case .idleTimeout(let seconds):
            return "no request for \(seconds) seconds; the connection is closed"
        case .recordingLimit(let function, _, let limit):
            return "\(function.rawValue) could not be started: \(limit.reason)"
        }
    }
}
