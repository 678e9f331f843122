/// The JSON form of a request: one object whose values are strings or numbers, read by
/// the vocabulary's strict ``JSONReader``.
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
        var reader = JSONReader(string, maximumDepth: maximumDepth)
        do {
            reader.skipWhitespace()
            guard reader.peek() == UInt8(ascii: "{") else {
                throw ControlError.invalidJSON("expected an object")
            }
            let value: JSONValue
            do throws(JSONSyntaxError) {
                value = try reader.readValue()
            } catch {
                throw ControlError.invalidJSON(error.message)
            }
            reader.skipWhitespace()
            guard reader.isAtEnd else {
                throw ControlError.invalidJSON("unexpected data after the object at byte \(reader.index + 1)")
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
