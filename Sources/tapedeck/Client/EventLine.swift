/// A small JSON reader, enough to render event lines (the `tapedeck` tool does not link
/// Foundation or TapedeckControl).
indirect enum JSONValue: Equatable {
    case string(String), number(Double), bool(Bool), null
    case array([JSONValue]), object([(String, JSONValue)])

    static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case let (.string(x), .string(y)): x == y
        case let (.number(x), .number(y)): x == y
        case let (.bool(x), .bool(y)): x == y
        case (.null, .null): true
        case let (.array(x), .array(y)): x == y
        case let (.object(x), .object(y)): x.elementsEqual(y) { $0.0 == $1.0 && $0.1 == $1.1 }
        default: false
        }
    }

    subscript(key: String) -> JSONValue? {
        guard case .object(let pairs) = self else { return nil }
        return pairs.last { $0.0 == key }?.1
    }

    var string: String? { if case .string(let s) = self { s } else { nil } }
    var number: Double? { if case .number(let n) = self { n } else { nil } }

    /// The value as text: strings as they are, numbers without a needless `.0`.
    var text: String? {
        switch self {
        case .string(let s): s
        case .number(let n): n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(n)
        default: nil
        }
    }

    /// Parses one JSON value filling the whole text; nil when it is not valid JSON.
    static func parse(_ text: String) -> JSONValue? {
        var reader = Reader(bytes: Array(text.utf8))
        guard let value = reader.value(depth: 0) else { return nil }
        reader.skipBlanks()
        return reader.index == reader.bytes.count ? value : nil
    }

    private struct Reader {
        let bytes: [UInt8]
        var index = 0

        mutating func skipBlanks() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        mutating func value(depth: Int) -> JSONValue? {
            guard depth < 64 else { return nil }
            skipBlanks()
            guard index < bytes.count else { return nil }
            switch bytes[index] {
            case UInt8(ascii: "{"):
                index += 1
                var pairs: [(String, JSONValue)] = []
                skipBlanks()
                if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object(pairs) }
                while true {
                    skipBlanks()
                    guard let key = string() else { return nil }
                    skipBlanks()
                    guard expect(":"), let v = value(depth: depth + 1) else { return nil }
                    pairs.append((key, v))
                    skipBlanks()
                    if expect(",") { continue }
                    return expect("}") ? .object(pairs) : nil
                }
            case UInt8(ascii: "["):
                index += 1
                var items: [JSONValue] = []
                skipBlanks()
                if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
                while true {
                    guard let v = value(depth: depth + 1) else { return nil }
                    items.append(v)
                    skipBlanks()
                    if expect(",") { continue }
                    return expect("]") ? .array(items) : nil
                }
            case UInt8(ascii: "\""):
                return string().map(JSONValue.string)
            case UInt8(ascii: "t"): return literal("true") ? .bool(true) : nil
            case UInt8(ascii: "f"): return literal("false") ? .bool(false) : nil
            case UInt8(ascii: "n"): return literal("null") ? .null : nil
            default:
                let start = index
                while index < bytes.count, "+-.eE0123456789".utf8.contains(bytes[index]) { index += 1 }
                return Double(String(decoding: bytes[start..<index], as: UTF8.self)).map(JSONValue.number)
            }
        }

        mutating func expect(_ c: Character) -> Bool {
            guard index < bytes.count, bytes[index] == c.asciiValue! else { return false }
            index += 1
            return true
        }

        mutating func literal(_ word: String) -> Bool {
            let w = Array(word.utf8)
            guard bytes.count - index >= w.count, Array(bytes[index..<index + w.count]) == w else { return false }
            index += w.count
            return true
        }

        mutating func hex4() -> UInt32? {
            guard bytes.count - index >= 4,
                  let v = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16) else { return nil }
            index += 4
            return v
        }

        mutating func string() -> String? {
            guard expect("\"") else { return nil }
            var out: [UInt8] = []
            while index < bytes.count {
                let b = bytes[index]
                index += 1
                switch b {
                case UInt8(ascii: "\""):
                    return String(decoding: out, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard index < bytes.count else { return nil }
                    let e = bytes[index]
                    index += 1
                    switch e {
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "u"):
                        guard var code = hex4() else { return nil }
                        if (0xD800..<0xDC00).contains(code), bytes.count - index >= 6,
                           bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") {
                            index += 2
                            guard let low = hex4(), (0xDC00..<0xE000).contains(low) else { return nil }
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        }
                        out += Array(String(Unicode.Scalar(code) ?? "\u{FFFD}").utf8)
                    default: out.append(e)
                    }
                default:
                    out.append(b)
                }
            }
            return nil
        }
    }
}

/// The readable form of one event line of `tapedeck events` (see docs/cli.md):
/// `10:10:23 recording.completed 1000 #42 20261121-101010__1000.wav 12.5 s 195 KB`.
/// A line that is not a known event is printed as it came.
enum EventLine {
    static func readable(_ line: String) -> String {
        guard let object = JSONValue.parse(line), let event = object["event"]?.string else { return line }
        var words = [clock(object["created_at"]?.string), event]
        switch event {
        case "recording.started", "recording.completed", "recording.failed":
            guard let r = object["recording"] else { return line }
            words.append(r["agent_user"]?.text ?? "?")
            words.append("#" + (r["id"]?.text ?? "?"))
            words.append(fileName(r))
            if event == "recording.started" {
                if let kind = r["kind"]?.string { words.append(kind) }
                if let stage = r["stage"]?.string, !stage.isEmpty { words.append("stage \(stage)") }
            } else if event == "recording.completed" {
                if let seconds = r["duration_seconds"]?.number { words.append(duration(seconds)) }
                if let size = r["size_bytes"]?.number { words.append(byteCount(size)) }
            } else {
                let reason = object["reason"]?.text ?? r["reason"]?.text ?? "unknown reason"
                words[words.count - 1] += ":"
                words.append(reason)
            }
        case "agent.login", "agent.logout":
            guard let a = object["agent"] else { return line }
            words.append(a["agent_user"]?.text ?? "?")
            words.append("station \(a["station"]?.text ?? "?")")
            words.append("session \(a["session_id"]?.text ?? "?")")
            if event == "agent.login", let status = a["agent_status"]?.text { words.append(status) }
        case "subscription.cut_off":
            words[words.count - 1] += ":"
            words.append(object["reason"]?.text ?? "cut off")
            if let limit = object["queue_limit"]?.text { words.append("(queue limit \(limit))") }
        default:
            return line
        }
        return words.joined(separator: " ")
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
        let base = r["filename"]?.text ?? "?"
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
