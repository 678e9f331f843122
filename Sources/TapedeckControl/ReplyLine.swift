/// One reply line as a client reads it back, in either form: whether it is an error, the
/// health it reports, and for the text lines of login, logout, `recording` and
/// `stereo_recording` what their `|` fields say. The wording read here is the one
/// ``Reply`` renders (Reply+Text.swift); ReplyLineTests renders replies and reads them back.
public struct ReplyLine: Sendable, Hashable {
    /// The word a text line starts with, before its colon.
    public enum Word: String, Sendable, Hashable, CaseIterable {
        case success = "SUCCESS", notice = "NOTICE", error = "ERROR"
        /// function=health's text line (``HealthSnapshot/Status/nagiosWord``).
        case ok = "OK", warning = "WARNING", critical = "CRITICAL"
    }

    /// The agent's fields of a session reply: login and logout lines
    /// (`agent|station|session|server|status`) and VICIdial's 8-field layout
    /// (`agent|f2|f3|f4|f5|server|session|status`, no station).
    public struct AgentFields: Sendable, Hashable {
        public var agentUser: String
        public var station: String?
        public var sessionID: String
        public var agentServer: String
        public var agentStatus: String

        public init(agentUser: String, station: String? = nil, sessionID: String, agentServer: String,
                    agentStatus: String) {
            self.agentUser = agentUser
            self.station = station
            self.sessionID = sessionID
            self.agentServer = agentServer
            self.agentStatus = agentStatus
        }
    }

    /// What a text line of a session reply says.
    public enum Meaning: Sendable, Hashable {
        /// `SUCCESS: login function sent - …`.
        case loggedIn(AgentFields)
        /// `SUCCESS: logout function sent - …`.
        case loggedOut(AgentFields)
        /// `SUCCESS: <function> function sent - agent|<word>|…`: the verb of the value word,
        /// and for START/BEGIN the stage written after it (empty when none).
        case recordingSent(RecordingFunction, RecordingVerb, stage: String, AgentFields)
        /// `NOTICE: <function> active - agent|id|filename|server_ip|start_time|…`.
        case recordingActive(RecordingFunction, recordingID: String, filename: String, serverIP: String,
                             startTime: String, AgentFields)
        /// `NOTICE: not <function> - …`.
        case notRecording(RecordingFunction, AgentFields)
        /// `ERROR: <verb> <function> error - agent|<reason>|…`; an empty reason: nothing was
        /// running (``ControlError/nothingRunning(_:_:_:)``).
        case recordingError(RecordingFunction, RecordingVerb, reason: String, AgentFields)
        /// `ERROR: begin stereo_recording error - agent|<id>|…`: that stereo recording is
        /// already active (``ControlError/stereoRecordingActive(_:recordingID:)``).
        case stereoRecordingActive(recordingID: String, AgentFields)
    }

    public var form: ReplyForm
    /// Text: the line's first word; JSON: ``Word/error`` for `{"error":…}`, ``Word/success``
    /// for `{"data":…}`. nil for a line that is neither (a line of a recording_lookup
    /// result or of the metrics exposition, or what is not a reply).
    public var word: Word?
    /// function=health's status: the text line's word, or the JSON reply's `data.status`.
    public var health: HealthSnapshot.Status?
    /// Text session replies only.
    public var meaning: Meaning?

    public init(form: ReplyForm, word: Word?, health: HealthSnapshot.Status? = nil, meaning: Meaning? = nil) {
        self.form = form
        self.word = word
        self.health = health
        self.meaning = meaning
    }

    /// True for the first line of a text reply that is several lines and then an empty
    /// line (recording_lookup's results, the metrics exposition): a text line, not empty,
    /// that does not start with a reply word.
    public private(set) var beginsSeveralLines = false

    public var isError: Bool { word == .error }

    /// Reads one reply line (without its newline); a JSON line is the form when its first
    /// non-blank byte is `{`, as for requests (``ReplyForm/detect(_:)``).
    public init(reading line: String) {
        form = ReplyForm.detect(line.utf8)
        switch form {
        case .json:
            let value = JSONValue.parse(line)
            word = value?["error"] != nil ? .error : value?["data"] != nil ? .success : nil
            health = value?["data"]?["status"]?.string.flatMap(HealthSnapshot.Status.init(rawValue:))
        case .text:
            word = line.firstIndex(of: ":").flatMap { Word(rawValue: String(line[..<$0])) }
            beginsSeveralLines = word == nil && !line.isEmpty
            health = HealthSnapshot.Status.allCases.first { $0.nagiosWord == word?.rawValue }
            if let dash = line.firstRange(of: " - ") {
                let fields = line[dash.upperBound...].split(separator: "|", omittingEmptySubsequences: false)
                meaning = Self.meaning(head: String(line[..<dash.lowerBound]), fields: fields.map(String.init))
            }
        }
    }

    static func meaning(head: String, fields f: [String]) -> Meaning? {
        if f.count == 5 {
            let agent = AgentFields(agentUser: f[0], station: f[1], sessionID: f[2], agentServer: f[3], agentStatus: f[4])
            switch head {
            case "SUCCESS: \(FunctionName.login.rawValue) function sent": return .loggedIn(agent)
            case "SUCCESS: \(FunctionName.logout.rawValue) function sent": return .loggedOut(agent)
            default: return nil
            }
        }
        guard f.count == 8 else { return nil }
        let agent = AgentFields(agentUser: f[0], sessionID: f[6], agentServer: f[5], agentStatus: f[7])
        for function in RecordingFunction.allCases {
            let name = function.rawValue
            switch head {
            case "SUCCESS: \(name) function sent":
                if let verb = function.verb(forWord: f[1]) { return .recordingSent(function, verb, stage: "", agent) }
                let start = function.word(for: .start)
                guard f[1].hasPrefix(start) else { return nil }
                return .recordingSent(function, .start, stage: String(f[1].dropFirst(start.count)), agent)
            case "NOTICE: \(name) active":
                return .recordingActive(function, recordingID: f[1], filename: f[2], serverIP: f[3], startTime: f[4], agent)
            case "NOTICE: not \(name)":
                return .notRecording(function, agent)
            default:
                guard let verb = RecordingVerb.allCases.first(where: {
                    head == "ERROR: \(function.errorVerb(for: $0)) \(name) error"
                }) else { continue }
                if function == .stereoRecording, verb == .start, !f[1].isEmpty, f[1].utf8.allSatisfy(ASCII.isDigit) {
                    return .stereoRecordingActive(recordingID: f[1], agent)
                }
                return .recordingError(function, verb, reason: f[1], agent)
            }
        }
        return nil
    }
}
