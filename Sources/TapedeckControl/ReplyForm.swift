/// Which form a reply must take: VICIdial's text line or a JSON object.
///
/// The form is decided by the request line itself: a line whose first
/// non-blank byte (blank: space, tab, CR) is `{` is JSON, anything else is a
/// URL query string. The form is known even when the line fails to parse, so
/// every error is answered in the form the client used.
public enum ReplyForm: String, Sendable, Hashable, CaseIterable {
    case text
    case json

    /// The form for a raw request line (terminator already removed).
    public static func detect<C: Collection>(_ bytes: C) -> ReplyForm where C.Element == UInt8 {
        for byte in bytes {
            if ASCII.isBlank(byte) { continue }
            return byte == UInt8(ascii: "{") ? .json : .text
        }
        return .text
    }
}

enum ASCII {
    /// Blank bytes trimmed from both ends of a request line.
    static func isBlank(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    static func isAlnum(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "A"..."Z", "a"..."z", "0"..."9": return true
        default: return false
        }
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: return byte - 0x30
        case 0x41...0x46: return byte - 0x41 + 10
        case 0x61...0x66: return byte - 0x61 + 10
        default: return nil
        }
    }
}
