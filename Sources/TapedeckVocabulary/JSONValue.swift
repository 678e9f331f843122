/// A JSON value with ordered object members, rendered deterministically on one line
/// (``rendered``) and read by ``JSONReader`` (``parse(_:maximumDepth:)``).
///
/// Strings are escaped per RFC 8259 by ``appendEscaped(_:to:)``, the one JSON string
/// escaper of Tapedeck: `"` and `\` with a backslash, control characters U+0000–U+001F as
/// `\b \f \n \r \t` or `\u00xx`, plus U+007F, U+2028 and U+2029 as `\u` escapes (so the
/// text is also a valid JavaScript string and holds no line break of any reader);
/// everything else as UTF-8.
public indirect enum JSONValue: Sendable, Hashable {
    case string(String)
    case integer(Int64)
    /// Already-formatted number text (see ``seconds(_:)``); what ``JSONReader`` gives for
    /// every number, as written.
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

    /// `s` as a JSON string literal, quotes included.
    public static func quoted(_ s: String) -> String {
        var out = ""
        appendEscaped(s, to: &out)
        return out
    }

    /// Appends `s` as a JSON string literal, quotes included; `also` names characters
    /// written as `\u` escapes besides those JSON's rule escapes.
    public static func appendEscaped(_ s: String, to out: inout String,
                                     also: (Unicode.Scalar) -> Bool = { _ in false }) {
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
                out += "\\u" + ASCII.hex(scalar.value, digits: 4)
            default:
                if also(scalar) {
                    out += "\\u" + ASCII.hex(scalar.value, digits: 4)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    // MARK: Reading

    /// The one JSON value filling `text` (blanks around it allowed), or nil when `text` is
    /// not valid JSON (see ``JSONReader``).
    public static func parse(_ text: String, maximumDepth: Int = JSONReader.defaultMaximumDepth) -> JSONValue? {
        var reader = JSONReader(text, maximumDepth: maximumDepth)
        guard let value = try? reader.readValue() else { return nil }
        reader.skipWhitespace()
        return reader.isAtEnd ? value : nil
    }

    /// The member `key` of an object (the last one when repeated); nil for a missing key or
    /// a value that is not an object.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.last { $0.0 == key }?.1
    }

    /// The text of a string.
    public var string: String? { if case .string(let s) = self { s } else { nil } }

    /// The value of a number.
    public var number: Double? {
        switch self {
        case .integer(let i): Double(i)
        case .number(let text): Double(text)
        default: nil
        }
    }

    /// The value as text: strings as they are, numbers without a needless `.0`.
    public var text: String? {
        switch self {
        case .string(let s): s
        case .integer(let i): String(i)
        case .number:
            number.map { n in n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(n) }
        default: nil
        }
    }
}
