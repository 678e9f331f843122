/// A JSON value with ordered object members, rendered deterministically on
/// one line. Strings are escaped per RFC 8259: `"` and `\` with a backslash,
/// control characters U+0000–U+001F as `\b \f \n \r \t` or `\u00XX`, plus
/// U+007F, U+2028 and U+2029 as `\u` escapes; everything else as UTF-8.
public indirect enum JSONValue: Sendable, Hashable {
    case string(String)
    case integer(Int64)
    /// Already-formatted number text (see ``seconds(_:)``).
    case number(String)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool { lhs.rendered == rhs.rendered }
    public func hash(into hasher: inout Hasher) { hasher.combine(rendered) }

    /// Seconds rounded to milliseconds, without trailing zeros: 12, 12.5, 0.125.
    /// Non-finite values render as null.
    public static func seconds(_ value: Double) -> JSONValue {
        guard value.isFinite, abs(value) < 1e15 else { return .null }
        let millis = Int64((value * 1000).rounded())
        let sign = millis < 0 ? "-" : ""
        let magnitude = millis.magnitude
        let whole = magnitude / 1000
        var fraction = String(magnitude % 1000)
        if fraction == "0" { return .number(sign + String(whole)) }
        fraction = String(repeating: "0", count: 3 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return .number("\(sign)\(whole).\(fraction)")
    }

    public var rendered: String {
        var out = ""
        render(into: &out)
        return out
    }

    public func render(into out: inout String) {
        switch self {
        case .string(let s): JSONValue.appendEscaped(s, to: &out)
        case .integer(let i): out += String(i)
        case .number(let n): out += n
        case .bool(let b): out += b ? "true" : "false"
        case .null: out += "null"
        case .array(let elements):
            out += "["
            for (i, element) in elements.enumerated() {
                if i > 0 { out += "," }
                element.render(into: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (i, (key, value)) in members.enumerated() {
                if i > 0 { out += "," }
                JSONValue.appendEscaped(key, to: &out)
                out += ":"
                value.render(into: &out)
            }
            out += "}"
        }
    }

    public static func appendEscaped(_ s: String, to out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\u{00}"..."\u{1F}", "\u{7F}", "\u{2028}", "\u{2029}":
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
