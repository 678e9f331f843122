extension Request {
    /// Parses one line as returned by ``LineFramer`` (terminator removed).
    /// On failure the ``RequestFailure`` tells the form to reply in.
    public static func parse<C: Collection>(line bytes: C) -> Result<Request, RequestFailure>
    where C.Element == UInt8 {
        switch RequestLine.parse(bytes) {
        case .failure(let failure): return .failure(failure)
        case .success(let line): return parse(line)
        }
    }

    /// Convenience for tests and tools: parses a line given as a string.
    public static func parse(_ line: String) -> Result<Request, RequestFailure> {
        parse(line: Array(line.utf8))
    }

    public static func parse(_ line: RequestLine) -> Result<Request, RequestFailure> {
        do {
            let command = try Command(parameters: line.parameters)
            return .success(Request(form: line.form, command: command))
        } catch {
            return .failure(RequestFailure(form: line.form, failure: error))
        }
    }
}

extension Command {
    /// Interprets the parameters. Order of checks: function, agent_user,
    /// value, then the other parameters in the order documented per function.
    /// `user`, `pass` and `source` are ignored, as are unknown keys.
    public init(parameters p: Parameters) throws(ControlError) {
        guard let function = p["function"], !function.isEmpty else { throw .missingFunction }
        guard let name = FunctionName(rawValue: function) else { throw .unknownFunction(function) }
        let reader = ParameterReader(parameters: p, function: name)
        switch name {
        case .login:
            let agentUser = try reader.agentUser()
            let station = try reader.required("station", FieldRules.station)
            let sessionID = try reader.required("session_id", FieldRules.sessionID)
            let agentServer = try reader.optional("agent_server", FieldRules.agentServer)
            let agentStatus = try reader.optional("agent_status", FieldRules.agentStatus) ?? "PAUSED"
            self = .login(Login(agentUser: agentUser, station: station, sessionID: sessionID,
                                agentServer: agentServer, agentStatus: agentStatus))
        case .logout:
            self = .logout(agentUser: try reader.agentUser())
        case .agentStatus:
            let agentUser = try reader.agentUser()
            let value = p["value"] ?? ""
            guard FieldRules.agentStatus(value) == nil else {
                throw .invalidValue(function: name, value: value, agentUser: agentUser)
            }
            self = .agentStatus(agentUser: agentUser, status: value)
        case .recording, .stereoRecording:
            let recordingFunction: RecordingFunction = name == .recording ? .recording : .stereoRecording
            let agentUser = try reader.agentUser()
            let value = p["value"] ?? ""
            guard let verb = recordingFunction.verb(forWord: value) else {
                throw .invalidValue(function: name, value: value, agentUser: agentUser)
            }
            let action: RecordingAction
            switch verb {
            case .start: action = .start(try reader.startOptions())
            case .stop: action = .stop
            case .status: action = .status
            case .pause:
                let behavior = try reader.optional("pause_behavior") { PauseBehavior(rawValue: $0) == nil ? "must be skip or silence" : nil }
                action = .pause(behavior.flatMap(PauseBehavior.init(rawValue:)) ?? .silence)
            case .resume: action = .resume
            case .mask: action = .mask
            case .unmask: action = .unmask
            }
            self = .recording(RecordingCommand(function: recordingFunction, agentUser: agentUser, action: action))
        case .subscribe:
            self = .subscribe
        case .callStart:
            self = .callStart(try reader.callStart())
        case .callEnd:
            self = .callEnd(agentUser: try reader.agentUser())
        case .recordingLookup:
            self = .recordingLookup(try reader.lookup())
        case .callStatus:
            self = .callStatus(callID: try reader.required("call_id") { FieldRules.identifier($0, max: 40) })
        case .metrics, .health:
            // Probes, not commands: ``ControlRequest/parse(line:)`` takes them first.
            throw .unknownFunction(function)
        }
    }
}

/// Reads and validates parameters, building ``InvalidParameter`` failures
/// that carry the request's agent_user and value for the error line.
struct ParameterReader {
    let parameters: Parameters
    let function: FunctionName

    func failure(_ name: String, _ problem: InvalidParameter.Problem) -> ControlError {
        .invalidParameter(InvalidParameter(function: function, name: name, problem: problem,
                                           agentUser: parameters["agent_user"], value: parameters["value"]))
    }

    func agentUser() throws(ControlError) -> String {
        try required("agent_user", FieldRules.agentUser)
    }

    /// A required parameter; empty counts as missing.
    func required(_ name: String, _ rule: (String) -> String?) throws(ControlError) -> String {
        guard let value = parameters[name], !value.isEmpty else { throw failure(name, .missing) }
        if let reason = rule(value) { throw failure(name, .malformed(reason)) }
        return value
    }

    /// An optional parameter; empty counts as absent.
    func optional(_ name: String, _ rule: (String) -> String?) throws(ControlError) -> String? {
        guard let value = parameters[name], !value.isEmpty else { return nil }
        if let reason = rule(value) { throw failure(name, .malformed(reason)) }
        return value
    }

    /// An optional whole number in `range` (digits only, no sign).
    func integer(_ name: String, _ range: ClosedRange<Int>) throws(ControlError) -> Int? {
        let reason = "must be a whole number from \(range.lowerBound) to \(range.upperBound)"
        guard let text = try optional(name, { s in
            guard s.utf8.count <= 9, s.utf8.allSatisfy(ASCII.isDigit), let n = Int(s), range.contains(n) else {
                return reason
            }
            return nil
        }) else { return nil }
        return Int(text)
    }

    /// Optional seconds with up to 3 decimals, in `range`, as milliseconds.
    func milliseconds(_ name: String, _ range: ClosedRange<Int>) throws(ControlError) -> Int? {
        let reason = "must be seconds from \(range.lowerBound) to \(range.upperBound), at most 3 decimals"
        var result: Int?
        _ = try optional(name) { s in
            let parts = s.split(separator: ".", omittingEmptySubsequences: false)
            guard (1...2).contains(parts.count),
                  (1...6).contains(parts[0].utf8.count), parts[0].utf8.allSatisfy(ASCII.isDigit),
                  parts.count == 1 || ((1...3).contains(parts[1].utf8.count) && parts[1].utf8.allSatisfy(ASCII.isDigit)),
                  let whole = Int(parts[0]) else { return reason }
            var millis = whole * 1000
            if parts.count == 2 {
                let fraction = String(parts[1]) + String(repeating: "0", count: 3 - parts[1].utf8.count)
                millis += Int(fraction) ?? 0
            }
            guard millis >= range.lowerBound * 1000, millis <= range.upperBound * 1000 else { return reason }
            result = millis
            return nil
        }
        return result
    }

    func startOptions() throws(ControlError) -> StartOptions {
        var options = StartOptions()
        options.stage = parameters["stage"].flatMap(Stage.init(sanitizing:))
        if let format = try optional("format", { RecordingSnapshot.Format(rawValue: $0) == nil ? "must be wav or mp3" : nil }) {
            options.format = RecordingSnapshot.Format(rawValue: format)
        }
        if let bitrate = try optional("bitrate", { s in
            guard let n = Int(s), s.utf8.allSatisfy(ASCII.isDigit), MP3Bitrates.any.contains(n) else {
                return "must be one of " + MP3Bitrates.list(MP3Bitrates.any)
            }
            return nil
        }) {
            options.bitrate = Int(bitrate)
        }
        options.timeout = try integer("timeout", 3...7200)
        options.endOnSilence = try integer("end_on_silence", 3...10)
        if let key = try optional("end_on_key", { s in
            s.count == 1 && "0123456789*#".contains(s) ? nil : "must be one DTMF key: 0-9, * or #"
        }) {
            options.endOnKey = key.first
        }
        options.prerollMilliseconds = try milliseconds("preroll", 0...3600)
        options.minDurationMilliseconds = try milliseconds("min_duration", 0...7200)
        if let legs = try optional("legs", { $0 == "split" ? nil : "must be split" }) {
            options.splitLegs = legs == "split"
        }
        options.eventURL = try optional("event_url", FieldRules.httpURL)
        return options
    }

    func callStart() throws(ControlError) -> CallStart {
        var call = CallStart(agentUser: try agentUser())
        call.callID = try optional("call_id") { FieldRules.identifier($0, max: 40) }
        call.leadID = try optional("lead_id") { FieldRules.digits($0, max: 20) }
        call.phoneNumber = try optional("phone_number", FieldRules.phoneNumber)
        call.campaign = try optional("campaign") { FieldRules.identifier($0, max: 20) }
        call.ingroup = try optional("ingroup") { FieldRules.identifier($0, max: 20) }
        call.vendorLeadCode = try optional("vendor_lead_code") { FieldRules.printable($0, max: 50) }
        if let policy = try optional("campaign_recording", { CallStart.CampaignRecording(rawValue: $0) == nil
            ? "must be NEVER, ONDEMAND, ALLCALLS or ALLFORCE" : nil }) {
            call.campaignRecording = CallStart.CampaignRecording(rawValue: policy) ?? .onDemand
        }
        call.recordingDelay = try integer("recording_delay", 0...3600) ?? 0
        if let stereo = try optional("campaign_stereo", { CallStart.CampaignStereo(rawValue: $0) == nil
            ? "must be NEVER or ALLCALLS" : nil }) {
            call.campaignStereo = CallStart.CampaignStereo(rawValue: stereo) ?? .never
        }
        return call
    }

    func lookup() throws(ControlError) -> RecordingLookup {
        var lookup = RecordingLookup()
        lookup.agentUser = try optional("agent_user", FieldRules.agentUser)
        lookup.leadID = try optional("lead_id") { FieldRules.digits($0, max: 20) }
        lookup.callID = try optional("call_id") { FieldRules.identifier($0, max: 40) }
        lookup.date = try optional("date", FieldRules.date)
        if let id = try optional("recording_id", { FieldRules.digits($0, max: 18) }) {
            lookup.recordingID = Int64(id)
        }
        guard lookup != RecordingLookup() else {
            throw failure("agent_user, lead_id, call_id, date or recording_id", .missing)
        }
        return lookup
    }
}
