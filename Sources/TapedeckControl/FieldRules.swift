/// Validation rules for request parameters. Each returns nil when valid,
/// else the reason (used in error messages).
public enum FieldRules {
    /// event_url: `http://` or `https://` and a host, printable ASCII without spaces, at most 2048 bytes.
    public static func httpURL(_ s: String) -> String? {
        let lower = s.lowercased()
        guard s.utf8.count <= 2048, s.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7f }),
              let scheme = ["http://", "https://"].first(where: lower.hasPrefix),
              s.utf8.count > scheme.utf8.count, !s.dropFirst(scheme.count).hasPrefix("/") else {
            return "must be an http:// or https:// URL with a host (printable ASCII, at most 2048 bytes)"
        }
        return nil
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

    /// station: 1–32 characters of `A-Z a-z 0-9 _ - .`, starting with a letter or digit.
    public static func station(_ s: String) -> String? {
        let scalars = Array(s.unicodeScalars)
        guard (1...32).contains(scalars.count), ASCII.isAlnum(scalars[0]),
              scalars.allSatisfy({ ASCII.isAlnum($0) || "_-.".unicodeScalars.contains($0) }) else {
            return "must be 1 to 32 characters of A-Z a-z 0-9 _ - ., starting with a letter or digit"
        }
        return nil
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
        if isIPv4(s) || isIPv6(s) || isHostname(s) { return nil }
        return "must be an IPv4 address, an IPv6 address or a hostname"
    }

    /// `n` digits, 1...max.
    public static func digits(_ s: String, max: Int) -> String? {
        guard (1...max).contains(s.utf8.count), s.utf8.allSatisfy(ASCII.isDigit) else {
            return "must be 1 to \(max) digits"
        }
        return nil
    }

    /// Dotted quad, each part 0–255 without leading zeros (`010` is refused,
    /// as it is ambiguous between octal and decimal readers).
    public static func isIPv4(_ s: String) -> Bool {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        return parts.allSatisfy { part in
            guard (1...3).contains(part.utf8.count), part.utf8.allSatisfy(ASCII.isDigit),
                  let n = Int(part), n <= 255 else { return false }
            return part.utf8.count == 1 || part.utf8.first != UInt8(ascii: "0")
        }
    }

    /// RFC 4291 text form, including `::` compression and a trailing IPv4 part.
    public static func isIPv6(_ s: String) -> Bool {
        guard s.utf8.count >= 2, s.utf8.count <= 45, s.contains(":") else { return false }
        let halves = s.components(separatedBy: "::")
        guard halves.count <= 2 else { return false }
        func groups(_ part: String, allowIPv4Tail: Bool) -> Int? {
            if part.isEmpty { return 0 }
            let items = part.split(separator: ":", omittingEmptySubsequences: false)
            var count = 0
            for (i, item) in items.enumerated() {
                if i == items.count - 1, allowIPv4Tail, item.contains(".") {
                    guard isIPv4(String(item)) else { return nil }
                    count += 2
                } else {
                    guard (1...4).contains(item.utf8.count),
                          item.utf8.allSatisfy({ ASCII.hexValue($0) != nil }) else { return nil }
                    count += 1
                }
            }
            return count
        }
        if halves.count == 1 {
            return groups(halves[0], allowIPv4Tail: true) == 8
        }
        guard let left = groups(halves[0], allowIPv4Tail: false),
              let right = groups(halves[1], allowIPv4Tail: true) else { return false }
        return left + right <= 7
    }

    /// RFC 1123 hostname: labels of 1–63 `A-Z a-z 0-9 -` not starting or
    /// ending with `-`, at most 253 characters, not all-numeric.
    public static func isHostname(_ s: String) -> Bool {
        guard (1...253).contains(s.utf8.count) else { return false }
        let labels = s.split(separator: ".", omittingEmptySubsequences: false)
        for label in labels {
            guard (1...63).contains(label.utf8.count),
                  label.unicodeScalars.allSatisfy({ ASCII.isAlnum($0) || $0 == "-" }),
                  label.first != "-", label.last != "-" else { return false }
        }
        // A name of digits and dots only would be a (bad) IPv4 address.
        return !s.utf8.allSatisfy { ASCII.isDigit($0) || $0 == UInt8(ascii: ".") }
    }

    /// Call identifiers (call_id, campaign, ingroup): 1–max of `A-Z a-z 0-9 _ - .`.
    public static func identifier(_ s: String, max: Int) -> String? {
        guard (1...max).contains(s.unicodeScalars.count),
              s.unicodeScalars.allSatisfy({ ASCII.isAlnum($0) || "_-.".unicodeScalars.contains($0) }) else {
            return "must be 1 to \(max) characters of A-Z a-z 0-9 _ - ."
        }
        return nil
    }

    /// Free text (vendor_lead_code): 1–max characters, no control characters.
    public static func printable(_ s: String, max: Int) -> String? {
        guard (1...max).contains(s.count), !s.unicodeScalars.contains(where: TextField.isControl) else {
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
