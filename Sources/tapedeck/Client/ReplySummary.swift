/// The friendlier line printed under a text reply (indented by two spaces), saying what
/// VICIdial's `|`-separated fields mean. Replies it does not know get none.
enum ReplySummary {
    static func summary(of line: String) -> String? {
        guard let dash = line.firstRange(of: " - ") else { return nil }
        let head = String(line[..<dash.lowerBound])
        let f = line[dash.upperBound...].split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        // The 8-field layout: agent|f2|f3|f4|f5|agent_server|session_id|agent_status.
        let context = f.count == 8 ? " (session \(f[6]), status \(f[7]))" : ""
        switch (head, f.count) {
        case ("SUCCESS: login function sent", 5):
            return "agent \(f[0]) logged in at station \(f[1]) (session \(f[2]), agent server \(f[3]), status \(f[4]))"
        case ("SUCCESS: logout function sent", 5):
            return "agent \(f[0]) logged out from station \(f[1]) (session \(f[2]))"
        case ("SUCCESS: recording function sent", 8):
            if f[1].hasPrefix("START") { return "recording started for agent \(f[0])\(stage(f[1], after: "START"))" }
            if f[1] == "STOP" { return "recordings stopped for agent \(f[0])" }
        case ("SUCCESS: stereo_recording function sent", 8):
            if f[1].hasPrefix("BEGIN") { return "stereo recording begun for agent \(f[0])\(stage(f[1], after: "BEGIN"))" }
            if f[1] == "END" { return "stereo recording ended for agent \(f[0])" }
        case ("NOTICE: recording active", 8):
            return "recording #\(f[1]) active since \(f[4]): \(f[2])\(context)"
        case ("NOTICE: not recording", 8):
            return "no recording active\(context)"
        case ("NOTICE: stereo_recording active", 8):
            return "stereo recording #\(f[1]) active since \(f[4]): \(f[2])\(context)"
        case ("NOTICE: not stereo_recording", 8):
            return "no stereo recording active\(context)"
        case ("ERROR: stop recording error", 8):
            return f[1].isEmpty ? "nothing to stop: no recording is running" : "stop failed: \(f[1])"
        case ("ERROR: stop stereo_recording error", 8):
            return f[1].isEmpty ? "nothing to end: no stereo recording is running" : "end failed: \(f[1])"
        case ("ERROR: start recording error", 8):
            return "start failed: \(f[1])"
        case ("ERROR: begin stereo_recording error", 8):
            return f[1].allSatisfy({ $0.isASCIIDigit }) && !f[1].isEmpty
                ? "stereo recording #\(f[1]) is already active" : "begin failed: \(f[1])"
        default:
            break
        }
        return nil
    }

    private static func stage(_ word: String, after prefix: String) -> String {
        let stage = word.dropFirst(prefix.count)
        return stage.isEmpty ? "" : " (stage \(stage))"
    }

    /// The reply line, then its summary line when there is one.
    static func readable(_ line: String) -> String {
        if let summary = summary(of: line) { return "\(line)\n  \(summary)\n" }
        return "\(line)\n"
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
