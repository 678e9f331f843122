/// The functions tapedeckd answers from its own state rather than the
/// controller's: `function=metrics` and `function=health`. They take no parameters
/// (`user`, `pass`, `source` and unknown keys are ignored, as everywhere).
public enum Probe: String, Sendable, Hashable, CaseIterable {
    case metrics
    case health

    public var functionName: FunctionName {
        switch self {
        case .metrics: .metrics
        case .health: .health
        }
    }
}

/// One request line as the daemon reads it: a controller ``Command`` or a ``Probe``.
public enum ControlRequest: Sendable, Hashable {
    case command(Request)
    case probe(Probe, form: ReplyForm)

    public var form: ReplyForm {
        switch self {
        case .command(let r): r.form
        case .probe(_, let form): form
        }
    }

    public var functionName: FunctionName {
        switch self {
        case .command(let r): r.command.functionName
        case .probe(let p, _): p.functionName
        }
    }

    /// Parses one line as returned by ``LineFramer`` (terminator removed). Every failure
    /// is the one ``Request/parse(line:)`` gives.
    public static func parse<C: Collection>(line bytes: C) -> Result<ControlRequest, RequestFailure>
    where C.Element == UInt8 {
        switch RequestLine.parse(bytes) {
        case .failure(let failure): return .failure(failure)
        case .success(let line): return parse(line)
        }
    }

    /// Convenience for tests and tools.
    public static func parse(_ line: String) -> Result<ControlRequest, RequestFailure> {
        parse(line: Array(line.utf8))
    }

    public static func parse(_ line: RequestLine) -> Result<ControlRequest, RequestFailure> {
        if let function = line.parameters["function"], let probe = Probe(rawValue: function) {
            return .success(.probe(probe, form: line.form))
        }
        return Request.parse(line).map(ControlRequest.command)
    }
}
