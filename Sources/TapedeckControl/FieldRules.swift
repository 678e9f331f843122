/// Validation rules for request parameters. Each returns nil when valid,
/// else the reason (used in error messages). The rules shared with the configuration
/// (station names, addresses, URLs, control characters) are the vocabulary's.
public enum FieldRules {
    /// event_url: `http://` or `https://` and a host, printable ASCII without spaces, at most
    /// 2048 bytes (``HTTPURL``).
    public static func httpURL(_ s: String) -> String? {
        HTTPURL.problem(s) == nil ? nil
            : "must be an http:// or https:// URL with a host (printable ASCII, at most 2048 bytes)"
    }

    /// agent_user: 1–20 characters of `A-Z a-z 0-9 _ - . @` (VICIdial's user is varchar(20)).
    public static func agentUser(_ s: String) -> String? {
        guard (1...20).contains(s.unicodeScalars.count),
              s.unicodeScalars.allSatisfy({ ASCII.isAlnum($0) || "_-.@".unicodeScalars.contains($0) }) else {
            return "must be 1 to 20 characters of A-Z a-z 0-9 _ - . @"
        }
        return nil
    }

    /// session_id: 1–20 digits (VICIdial's conf_exten / session number).
    public static func sessionID(_ s: String) -> String? {
        digits(s, max: 20)
    }

    /// station: 1–32 characters of `A-Z a-z 0-9 _ - .`, starting with a letter or digit (``StationName``).
    public static func station(_ s: String) -> String? {
        StationName.isValid(s) ? nil
            : "must be 1 to 32 characters of A-Z a-z 0-9 _ - ., starting with a letter or digit"
    }

    /// agent_status and the agent_status function's value: 1–20 uppercase letters.
    public static func agentStatus(_ s: String) -> String? {
        guard (1...20).contains(s.unicodeScalars.count),
              s.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) }) else {
            return "must be 1 to 20 uppercase letters A-Z"
        }
        return nil
    }

    /// agent_server: an IPv4 address, an IPv6 address (no brackets, no zone) or a hostname.
    public static func agentServer(_ s: String) -> String? {
        if NetworkAddress.isIPv4(s) || NetworkAddress.isIPv6(s) || NetworkAddress.isHostname(s) { return nil }
        return "must be an IPv4 address, an IPv6 address or a hostname"
    }

    /// `n` digits, 1...max.
    public static func digits(_ s: String, max: Int) -> String? {
        guard (1...max).contains(s.utf8.count), s.utf8.allSatisfy(ASCII.isDigit) else {
            return "must be 1 to \(max) digits"
        }
        return nil
    }

    /// Call identifiers (call_id, campaign, ingroup): 1–max of `A-Z a-z 0-9 _ - .`.
    public static func identifier(_ s: String, max: Int) -> String? {
        guard (1...max).contains(s.unicodeScalars.count),
              s.unicodeScalars.allSatisfy(ASCII.isNameCharacter) else {
            return "must be 1 to \(max) characters of A-Z a-z 0-9 _ - ."
        }
        return nil
    }

    /// Free text (vendor_lead_code): 1–max characters, no control characters.
    public static func printable(_ s: String, max: Int) -> String? {
        guard (1...max).contains(s.count), !ControlCharacter.occurs(in: s) else {
            return "must be 1 to \(max) characters without control characters"
        }
        return nil
    }

    /// phone_number: optional `+`, then 1–18 digits.
    public static func phoneNumber(_ s: String) -> String? {
        let body = s.hasPrefix("+") ? String(s.dropFirst()) : s
        return digits(body, max: 18) == nil ? nil : "must be 1 to 18 digits, optionally after +"
    }

    /// `YYYY-MM-DD`, a real Gregorian date.
    public static func date(_ s: String) -> String? {
        let reason = "must be a date YYYY-MM-DD"
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].utf8.count == 4, parts[1].utf8.count == 2, parts[2].utf8.count == 2,
              parts.allSatisfy({ $0.utf8.allSatisfy(ASCII.isDigit) }),
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), (1...12).contains(m) else {
            return reason
        }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
        return (1...days).contains(d) ? nil : reason
    }
}
