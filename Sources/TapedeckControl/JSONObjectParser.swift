/// A strict RFC 8259 parser for the JSON form of a request: one object whose
/// values are strings or numbers.
///
/// - Syntax errors (including trailing bytes after the object, lone
///   surrogates in `\u` escapes, raw control characters in strings, nesting
///   deeper than 32) → ``ControlError/invalidJSON(_:)``.
/// - Well-formed JSON that is not such an object (a value that is an array,
///   object, `true`, `false` or `null`) → ``ControlError/nonScalarValue(parameter:)``
///   (code `invalid_request`).
/// - Numbers become their canonical decimal text: `8600051` → `"8600051"`,
///   `1.50` → `"1.5"`, `2.5e1` → `"25"`, `-0` → `"0"`. Numbers whose text
///   would exceed 40 characters are refused (`invalid_request`).
/// - Repeated keys: the last one wins (as PHP's `json_decode`).
public enum JSONObjectParser {
    static let maximumDepth = 32
    static let maximumNumberLength = 40

    public static func parse(_ string: String) -> Result<Parameters, ControlError> {
        var parser = Parser(bytes: Array(string.utf8))
        do {
            parser.skipWhitespace()
            guard parser.peek() == UInt8(ascii: "{") else {
                throw ControlError.invalidJSON("expected an object")
            }
            let value = try parser.parseValue(depth: 0)
            parser.skipWhitespace()
            guard parser.isAtEnd else {
                throw ControlError.invalidJSON("unexpected data after the object at byte \(parser.index + 1)")
            }
            guard case .object(let members) = value else {
                throw ControlError.invalidJSON("expected an object")
            }
            var parameters = Parameters()
            // Type errors are reported for the first offending key.
            for (key, member) in members {
                switch member {
                case .string(let text): parameters[key] = text
                case .number(let text):
                    guard let canonical = canonicalNumber(text) else {
                        throw ControlError.invalidParameter(InvalidParameter(
                            function: nil, name: key, problem: .malformed("number out of range"),
                            agentUser: nil))
                    }
                    parameters[key] = canonical
                default:
                    throw ControlError.nonScalarValue(parameter: key)
                }
            }
            return .success(parameters)
        } catch let failure as ControlError {
            return .failure(failure)
        } catch {
            return .failure(.invalidJSON("\(error)"))
        }
    }

    indirect enum Value {
        case string(String)
        case number(String)
        case bool(Bool)
        case null
        case array([Value])
        case object([(String, Value)])
    }

    struct Parser {
        let bytes: [UInt8]
        var index = 0

        var isAtEnd: Bool { index >= bytes.count }
        func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func skipWhitespace() {
            while let b = peek(), b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { index += 1 }
        }

        func error(_ what: String) -> ControlError {
            isAtEnd ? .invalidJSON("\(what) at end of input") : .invalidJSON("\(what) at byte \(index + 1)")
        }

        mutating func expect(_ byte: UInt8, _ what: String) throws(ControlError) {
            skipWhitespace()
            guard peek() == byte else { throw error("expected \(what)") }
            index += 1
        }

        mutating func parseValue(depth: Int) throws(ControlError) -> Value {
            guard depth < JSONObjectParser.maximumDepth else { throw error("nesting too deep") }
            skipWhitespace()
            guard let b = peek() else { throw error("expected a value") }
            switch b {
            case UInt8(ascii: "{"):
                index += 1
                var members: [(String, Value)] = []
                skipWhitespace()
                if peek() == UInt8(ascii: "}") { index += 1; return .object(members) }
                while true {
                    skipWhitespace()
                    guard peek() == UInt8(ascii: "\"") else { throw error("expected a string key") }
                    let key = try parseString()
                    try expect(UInt8(ascii: ":"), "':'")
                    let value = try parseValue(depth: depth + 1)
                    members.append((key, value))
                    skipWhitespace()
                    if peek() == UInt8(ascii: ",") { index += 1; continue }
                    if peek() == UInt8(ascii: "}") { index += 1; return .object(members) }
                    throw error("expected ',' or '}'")
                }
            case UInt8(ascii: "["):
                index += 1
                var elements: [Value] = []
                skipWhitespace()
                if peek() == UInt8(ascii: "]") { index += 1; return .array(elements) }
                while true {
                    elements.append(try parseValue(depth: depth + 1))
                    skipWhitespace()
                    if peek() == UInt8(ascii: ",") { index += 1; continue }
                    if peek() == UInt8(ascii: "]") { index += 1; return .array(elements) }
                    throw error("expected ',' or ']'")
                }
            case UInt8(ascii: "\""):
                return .string(try parseString())
            case UInt8(ascii: "t"):
                try literal("true"); return .bool(true)
            case UInt8(ascii: "f"):
                try literal("false"); return .bool(false)
            case UInt8(ascii: "n"):
                try literal("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                return .number(try parseNumber())
            default:
                throw error("unexpected character")
            }
        }

        mutating func literal(_ word: String) throws(ControlError) {
            let w = Array(word.utf8)
            guard bytes.count - index >= w.count, Array(bytes[index..<index + w.count]) == w else {
                throw error("invalid literal")
            }
            index += w.count
        }

        mutating func parseNumber() throws(ControlError) -> String {
            let start = index
            if peek() == UInt8(ascii: "-") { index += 1 }
            guard let first = peek(), ASCII.isDigit(first) else { throw error("invalid number") }
            if first == UInt8(ascii: "0") {
                index += 1
            } else {
                while let d = peek(), ASCII.isDigit(d) { index += 1 }
            }
            if peek() == UInt8(ascii: ".") {
                index += 1
                guard let d = peek(), ASCII.isDigit(d) else { throw error("invalid number") }
                while let d = peek(), ASCII.isDigit(d) { index += 1 }
            }
            if let e = peek(), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
                index += 1
                if let s = peek(), s == UInt8(ascii: "+") || s == UInt8(ascii: "-") { index += 1 }
                guard let d = peek(), ASCII.isDigit(d) else { throw error("invalid number") }
                while let d = peek(), ASCII.isDigit(d) { index += 1 }
            }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        mutating func parseHex4() throws(ControlError) -> UInt32 {
            guard bytes.count - index >= 4 else { throw error("invalid \\u escape") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                guard let h = ASCII.hexValue(bytes[index]) else { throw error("invalid \\u escape") }
                value = value << 4 | UInt32(h)
                index += 1
            }
            return value
        }

        mutating func parseString() throws(ControlError) -> String {
            index += 1  // opening quote
            var out: [UInt8] = []
            while true {
                guard let b = peek() else { throw error("unterminated string") }
                switch b {
                case UInt8(ascii: "\""):
                    index += 1
                    // The line was validated as UTF-8 and escapes produce valid scalars.
                    return String(decoding: out, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    index += 1
                    guard let e = peek() else { throw error("unterminated string") }
                    index += 1
                    switch e {
                    case UInt8(ascii: "\""): out.append(0x22)
                    case UInt8(ascii: "\\"): out.append(0x5C)
                    case UInt8(ascii: "/"): out.append(0x2F)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "u"):
                        var code = try parseHex4()
                        if (0xD800...0xDBFF).contains(code) {
                            guard bytes.count - index >= 6,
                                  bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                                throw error("lone surrogate in \\u escape")
                            }
                            index += 2
                            let low = try parseHex4()
                            guard (0xDC00...0xDFFF).contains(low) else { throw error("lone surrogate in \\u escape") }
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        } else if (0xDC00...0xDFFF).contains(code) {
                            throw error("lone surrogate in \\u escape")
                        }
                        guard let scalar = Unicode.Scalar(code) else { throw error("invalid \\u escape") }
                        out.append(contentsOf: Array(String(Character(scalar)).utf8))
                    default:
                        index -= 1
                        throw error("invalid escape")
                    }
                case 0x00..<0x20:
                    throw error("control character in string")
                default:
                    out.append(b)
                    index += 1
                }
            }
        }
    }

    /// Canonical decimal text of a JSON number literal, or nil if too long.
    static func canonicalNumber(_ literal: String) -> String? {
        var chars = Array(literal.utf8)
        var negative = false
        if chars.first == UInt8(ascii: "-") { negative = true; chars.removeFirst() }
        var mantissa: [UInt8] = []
        var exponent = 0
        var i = 0
        while i < chars.count, ASCII.isDigit(chars[i]) { mantissa.append(chars[i]); i += 1 }
        if i < chars.count, chars[i] == UInt8(ascii: ".") {
            i += 1
            while i < chars.count, ASCII.isDigit(chars[i]) { mantissa.append(chars[i]); exponent -= 1; i += 1 }
        }
        if i < chars.count, chars[i] == UInt8(ascii: "e") || chars[i] == UInt8(ascii: "E") {
            i += 1
            var expNegative = false
            if chars[i] == UInt8(ascii: "-") { expNegative = true; i += 1 } else if chars[i] == UInt8(ascii: "+") { i += 1 }
            var e = 0
            while i < chars.count {
                e = e * 10 + Int(chars[i] - 0x30)
                if e > 10_000 { return nil }
                i += 1
            }
            exponent += expNegative ? -e : e
        }
        // Strip leading zeros, then trailing zeros (moving them into the exponent).
        while mantissa.first == UInt8(ascii: "0") { mantissa.removeFirst() }
        if mantissa.isEmpty { return "0" }
        while mantissa.last == UInt8(ascii: "0") { mantissa.removeLast(); exponent += 1 }
        var text: String
        let digits = String(decoding: mantissa, as: UTF8.self)
        if exponent >= 0 {
            guard mantissa.count + exponent <= maximumNumberLength else { return nil }
            text = digits + String(repeating: "0", count: exponent)
        } else if mantissa.count > -exponent {
            let split = mantissa.count + exponent
            text = String(digits.prefix(split)) + "." + String(digits.dropFirst(split))
        } else {
            guard -exponent + 2 <= maximumNumberLength else { return nil }
            text = "0." + String(repeating: "0", count: -exponent - mantissa.count) + digits
        }
        guard text.utf8.count + (negative ? 1 : 0) <= maximumNumberLength else { return nil }
        return negative ? "-" + text : text
    }
}
