/// The URLs Tapedeck posts to (a START's `event_url`, a webhook's `url` and
/// `callback_prefixes`): `http://` or `https://` (any case) and a host, printable ASCII
/// without spaces, at most 2048 bytes.
public enum HTTPURL {
    public static let maximumLength = 2048

    public enum Problem: Sendable, Equatable {
        case tooLong
        case notPrintableASCII
        case noScheme
        case noHost
    }

    /// What is wrong with `s`, or nil when it is such a URL.
    public static func problem(_ s: String) -> Problem? {
        guard s.utf8.count <= maximumLength else { return .tooLong }
        guard s.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return .notPrintableASCII }
        let lower = s.lowercased()
        guard let scheme = ["http://", "https://"].first(where: lower.hasPrefix) else { return .noScheme }
        return s.utf8.count > scheme.utf8.count && !s.dropFirst(scheme.count).hasPrefix("/") ? nil : .noHost
    }
}
