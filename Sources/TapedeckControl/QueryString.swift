/// Decoding of a URL query string as api.php receives it
/// (`application/x-www-form-urlencoded`).
///
/// - Pairs are separated by `&`; empty pairs and pairs with an empty key are
///   skipped; a pair without `=` has an empty value (all as PHP does).
/// - `+` is a space; `%XX` (hex digits in either case) is one byte.
/// - A `%` not followed by two hex digits is an error (PHP would keep it
///   literally; we refuse, so a client bug is seen at once).
/// - Decoded keys and values must be valid UTF-8.
/// - Repeated keys: the last one wins (see ``Parameters``).
///
/// ``render(_:)`` writes parameters back: `parse(render(p)) == p` for every `p`
/// without an empty key (an empty key is skipped on parsing).
public enum QueryString {
    /// `function=recording&agent_user=1000&value=START`, pairs in the parameters' order;
    /// every byte of a key or value outside `A-Z a-z 0-9 - _ . ~` is percent-encoded
    /// (a space is `%20`, a `+` is `%2B`).
    public static func render(_ parameters: Parameters) -> String {
        parameters.keys.map { key in
            percentEncoded(key) + "=" + percentEncoded(parameters[key] ?? "")
        }.joined(separator: "&")
    }

    static func percentEncoded(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if ASCII.isAlnum(Unicode.Scalar(byte)) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "~") {
                out.append(byte)
            } else {
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func parse(_ string: String) -> Result<Parameters, ControlError> {
        var parameters = Parameters()
        let bytes = Array(string.utf8)
        var start = 0
        while start <= bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != UInt8(ascii: "&") { end += 1 }
            let pair = bytes[start..<end]
            if !pair.isEmpty {
                let rawKey: ArraySlice<UInt8>
                let rawValue: ArraySlice<UInt8>
                if let eq = pair.firstIndex(of: UInt8(ascii: "=")) {
                    rawKey = pair[pair.startIndex..<eq]
                    rawValue = pair[(eq + 1)...]
                } else {
                    rawKey = pair
                    rawValue = []
                }
                switch (decode(rawKey), decode(rawValue)) {
                case (.failure(let error), _), (_, .failure(let error)):
                    return .failure(error)
                case (.success(let keyBytes), .success(let valueBytes)):
                    guard let key = String(validating: keyBytes, as: UTF8.self) else {
                        return .failure(.invalidUTF8(.parameter(String(decoding: keyBytes, as: UTF8.self))))
                    }
                    guard let value = String(validating: valueBytes, as: UTF8.self) else {
                        return .failure(.invalidUTF8(.parameter(key)))
                    }
                    if !key.isEmpty { parameters[key] = value }
                }
            }
            start = end + 1
        }
        return .success(parameters)
    }

    /// Percent- and plus-decodes one key or value. `raw` is a slice of the
    /// whole query string, so its indices are byte offsets for the message.
    static func decode(_ raw: ArraySlice<UInt8>) -> Result<[UInt8], ControlError> {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = raw.startIndex
        while i < raw.endIndex {
            let byte = raw[i]
            if byte == UInt8(ascii: "%") {
                guard raw.endIndex - i >= 3,
                      let high = ASCII.hexValue(raw[i + 1]),
                      let low = ASCII.hexValue(raw[i + 2]) else {
                    return .failure(.malformedQueryString("malformed percent escape at byte \(i + 1)"))
                }
                out.append(high << 4 | low)
                i += 3
            } else if byte == UInt8(ascii: "+") {
                out.append(0x20)
                i += 1
            } else {
                out.append(byte)
                i += 1
            }
        }
        return .success(out)
    }
}
