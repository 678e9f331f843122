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
