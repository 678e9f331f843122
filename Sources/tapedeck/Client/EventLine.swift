import TapedeckControl

/// The readable form of one event line of `tapedeck events` (see docs/cli.md), read with
/// the protocol's JSON reader (``JSONValue/parse(_:)``):
/// `10:10:23 recording.completed 1000 #42 20261121-101010__1000.wav 12.5 s 195 KB`.
/// A line that is not a known event is printed as it came.
enum EventLine {
    static func readable(_ line: String) -> String {
        guard let object = JSONValue.parse(line), let event = object["event"]?.string else { return line }
        var words = [clock(object["created_at"]?.string), event]
        switch event {
        case "recording.started", "recording.completed", "recording.failed":
            guard let r = object["recording"] else { return line }
            words.append(r["agent_user"].flatMap(text) ?? "?")
            words.append("#" + (r["id"].flatMap(text) ?? "?"))
            words.append(fileName(r))
            if event == "recording.started" {
                if let kind = r["kind"]?.string { words.append(kind) }
                if let stage = r["stage"]?.string, !stage.isEmpty { words.append("stage \(stage)") }
            } else if event == "recording.completed" {
                if let seconds = r["duration_seconds"]?.number { words.append(duration(seconds)) }
                if let size = r["size_bytes"]?.number { words.append(byteCount(size)) }
            } else {
                let reason = object["reason"].flatMap(text) ?? r["reason"].flatMap(text) ?? "unknown reason"
                words[words.count - 1] += ":"
                words.append(reason)
            }
        case "agent.login", "agent.logout":
            guard let a = object["agent"] else { return line }
            words.append(a["agent_user"].flatMap(text) ?? "?")
            words.append("station \(a["station"].flatMap(text) ?? "?")")
            words.append("session \(a["session_id"].flatMap(text) ?? "?")")
            if event == "agent.login", let status = a["agent_status"].flatMap(text) { words.append(status) }
        case "subscription.cut_off":
            words[words.count - 1] += ":"
            words.append(object["reason"].flatMap(text) ?? "cut off")
            if let limit = object["queue_limit"].flatMap(text) { words.append("(queue limit \(limit))") }
        default:
            return line
        }
        return words.joined(separator: " ")
    }

    /// A value as text: strings as they are, numbers without a needless `.0`.
    static func text(_ value: JSONValue) -> String? {
        if let s = value.string { return s }
        guard let n = value.number else { return nil }
        return n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(n)
    }

    /// `HH:MM:SS` from an ISO 8601 time (the daemon's local time, as it wrote it).
    static func clock(_ iso: String?) -> String {
        guard let iso, let t = iso.firstIndex(of: "T") else { return "--:--:--" }
        let time = iso[iso.index(after: t)...].prefix(8)
        return time.count == 8 ? String(time) : "--:--:--"
    }

    /// The file's name: the last part of `file_path`, else `filename` plus the format.
    static func fileName(_ r: JSONValue) -> String {
        if let path = r["file_path"]?.string, let name = path.split(separator: "/").last { return String(name) }
        let base = r["filename"].flatMap(text) ?? "?"
        if let format = r["format"]?.string { return "\(base).\(format)" }
        return base
    }

    /// Seconds with one decimal: `12.5 s`.
    static func duration(_ seconds: Double) -> String {
        let tenths = Int64((seconds * 10).rounded())
        return "\(tenths / 10).\(abs(tenths % 10)) s"
    }

    /// `512 B`, `195 KB`, `12.3 MB`, `1.2 GB` (1 KB = 1024 bytes).
    static func byteCount(_ bytes: Double) -> String {
        if bytes < 1024 { return "\(Int64(bytes)) B" }
        if bytes < 1024 * 1024 { return "\(Int64((bytes / 1024).rounded())) KB" }
        let units = ["MB", "GB", "TB"]
        var value = bytes / (1024 * 1024)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
        let tenths = Int64((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) \(units[unit])"
    }
}
