/// The two request forms of the control protocol.
enum RequestForm { case text, json }

/// One request: parameters in the order they are sent; absent options are left out.
struct ClientRequest: Equatable {
    var parameters: [(key: String, value: String)]

    init(_ function: String, _ parameters: [(String, String?)] = []) {
        self.parameters = [("function", function)]
        for (key, value) in parameters {
            if let value { self.parameters.append((key, value)) }
        }
    }

    static func == (a: ClientRequest, b: ClientRequest) -> Bool {
        a.parameters.elementsEqual(b.parameters) { $0.key == $1.key && $0.value == $1.value }
    }

    func line(_ form: RequestForm) -> String {
        switch form {
        case .text: queryString
        case .json: jsonObject
        }
    }

    /// `function=recording&agent_user=1000&value=START`: every byte outside
    /// `A-Z a-z 0-9 - _ . ~` is percent-encoded (a space is `%20`).
    var queryString: String {
        parameters.map { "\(Self.percentEncoded($0.key))=\(Self.percentEncoded($0.value))" }
            .joined(separator: "&")
    }

    /// `{"function":"recording","agent_user":"1000","value":"START"}`: every value a string.
    var jsonObject: String {
        "{" + parameters.map { "\(Self.jsonString($0.key)):\(Self.jsonString($0.value))" }.joined(separator: ",") + "}"
    }

    static func percentEncoded(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.append(byte)
            default:
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A JSON string literal: `"` and `\` escaped, control characters as `\n`, `\t`, … or
    /// `\u00XX`, U+2028/U+2029 as `\u2028`/`\u2029`, everything else as UTF-8.
    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let h = String(scalar.value, radix: 16, uppercase: false)
                    out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

/// What a reply line says about success.
enum ReplyKind {
    /// `ERROR: …` in text, `{"error":…}` in JSON.
    static func isError(_ line: String) -> Bool {
        line.hasPrefix("ERROR:") || line.hasPrefix("{\"error\"")
    }
}
