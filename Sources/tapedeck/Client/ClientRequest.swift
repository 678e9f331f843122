import TapedeckControl

/// One request a client command builds: `function` first, then the parameters given, in
/// order; absent options are left out and every value is sent as given (the daemon checks
/// it). Rendered in either form by the protocol's own code (``RequestLine/rendered``).
struct ClientRequest: Equatable {
    var parameters: Parameters

    init(_ function: FunctionName, _ parameters: [(String, String?)] = []) {
        self.parameters = Parameters([("function", function.rawValue)])
        for (key, value) in parameters {
            if let value { self.parameters[key] = value }
        }
    }

    /// `function=recording|stereo_recording&agent_user=…&value=<the verb's word>`, then `more`.
    static func recording(_ function: RecordingFunction, _ verb: RecordingVerb, agent: String,
                          _ more: [(String, String?)] = []) -> ClientRequest {
        let name: FunctionName = switch function {
        case .recording: .recording
        case .stereoRecording: .stereoRecording
        }
        return ClientRequest(name, [("agent_user", agent), ("value", function.word(for: verb))] + more)
    }

    /// The line to send, without its newline.
    func line(_ form: ReplyForm) -> String {
        RequestLine(form: form, parameters: parameters).rendered
    }
}
