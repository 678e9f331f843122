/// What `FileRepairer.repair(path:output:dryRun:)` did with one file.
public struct RepairOutcome: Sendable {
    public enum Status: String, Sendable {
        /// A repaired copy was written to `destination`.
        case repaired
        /// `--dry-run`: the file would be repaired with `changes`.
        case wouldRepair = "would-repair"
        /// Nothing to do: the file validates ok.
        case alreadyOK = "already-ok"
        /// Not repaired; `refusal` says why. The file was not touched.
        case refused
    }

    public var path: String
    public var status: Status
    /// Where the repaired file was written (the original path, or in the
    /// output directory).
    public var destination: String?
    /// Each change in words ("data size 0 → 960000 bytes").
    public var changes: [String]
    public var refusal: String?
    /// The inspection before the repair.
    public var before: FileReport
    /// The inspection of the written file (nil unless repaired).
    public var after: FileReport?

    /// One line for `tapedeck repair` output, control characters escaped
    /// (see `TerminalText`).
    public var summaryLine: String { TerminalText.escaped(rawSummary) }

    private var rawSummary: String {
        switch status {
        case .repaired:
            let still = after.map { $0.reasons.isEmpty ? "" : " (still \($0.verdict.rawValue): " + $0.reasons.map(\.message).joined(separator: "; ") + ")" } ?? ""
            return "\(path): repaired: \(changes.joined(separator: "; "))" + (destination != path ? " → \(destination ?? "")" : "") + still
        case .wouldRepair:
            return "\(path): would repair: \(changes.joined(separator: "; "))"
        case .alreadyOK:
            return "\(path): already ok"
        case .refused:
            return "\(path): refused: \(refusal ?? "not repairable")"
        }
    }
}

/// I/O failure while writing a repair; the original file is untouched.
public struct RepairError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let message: String
    public var description: String { "\(path): \(message)" }
}
