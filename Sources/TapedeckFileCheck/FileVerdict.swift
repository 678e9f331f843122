/// How bad one finding is. A finding never says "ok": a file with no
/// findings is ok.
public enum Severity: String, Sendable, Comparable, CaseIterable {
    /// The audio is all there and plays, but something is off (stale field,
    /// trailing bytes, garbage a decoder skips).
    case warning
    /// Audio is missing, unreachable or misdescribed: players will not get the
    /// whole recording, or will not play it at all.
    case broken

    var rank: Int { self == .warning ? 1 : 2 }
    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// The overall judgement of a file: the worst severity among its reasons.
public enum Verdict: String, Sendable, Comparable, CaseIterable {
    case ok, warning, broken

    var rank: Int {
        switch self {
        case .ok: return 0
        case .warning: return 1
        case .broken: return 2
        }
    }
    public static func < (lhs: Verdict, rhs: Verdict) -> Bool { lhs.rank < rhs.rank }

    public init(reasons: [Reason]) {
        var worst = Verdict.ok
        for reason in reasons {
            let v: Verdict = reason.severity == .broken ? .broken : .warning
            if v > worst { worst = v }
        }
        self = worst
    }
}

/// One finding about a file: a stable code (for programs), a severity and a
/// sentence in words (for people) that names the offsets and sizes involved.
public struct Reason: Sendable, Equatable, CustomStringConvertible {
    public let code: ReasonCode
    public let severity: Severity
    public let message: String

    public init(_ code: ReasonCode, _ severity: Severity, _ message: String) {
        self.code = code
        self.severity = severity
        self.message = message
    }

    public var description: String { "\(severity.rawValue): \(message)" }
}
