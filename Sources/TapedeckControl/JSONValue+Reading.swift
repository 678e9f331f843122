/// Reading JSON back into a ``JSONValue``: what a client does with replies and event lines.
/// The syntax is the request parser's (``JSONObjectParser``: strict RFC 8259, nesting at
/// most 32 deep); numbers keep their text as ``JSONValue/number(_:)``.
extension JSONValue {
    /// The one JSON value that fills `text` (blanks around it allowed); nil when `text` is
    /// not valid JSON.
    public static func parse(_ text: String) -> JSONValue? {
        var parser = JSONObjectParser.Parser(bytes: Array(text.utf8))
        guard let value = try? parser.parseValue(depth: 0) else { return nil }
        parser.skipWhitespace()
        return parser.isAtEnd ? JSONValue(value) : nil
    }

    init(_ value: JSONObjectParser.Value) {
        switch value {
        case .string(let s): self = .string(s)
        case .number(let n): self = .number(n)
        case .bool(let b): self = .bool(b)
        case .null: self = .null
        case .array(let elements): self = .array(elements.map(JSONValue.init))
        case .object(let members): self = .object(members.map { ($0.0, JSONValue($0.1)) })
        }
    }

    /// An object's member (the last one when the key is repeated); nil for any other value.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.last { $0.0 == key }?.1
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// A number's value, from either number case.
    public var doubleValue: Double? {
        switch self {
        case .integer(let i): Double(i)
        case .number(let text): Double(text)
        default: nil
        }
    }
}
