/// The text forms of the addresses Tapedeck accepts: the configuration's `server_ip` and
/// `metrics.listen`, the protocol's `agent_server`.
public enum NetworkAddress {
    /// Dotted quad, each part 0–255 without leading zeros (`010` is refused, as it is
    /// ambiguous between octal and decimal readers).
    public static func isIPv4(_ s: String) -> Bool {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        return parts.allSatisfy { part in
            guard (1...3).contains(part.utf8.count), part.utf8.allSatisfy(ASCII.isDigit),
                  let n = Int(part), n <= 255 else { return false }
            return part.utf8.count == 1 || part.utf8.first != UInt8(ascii: "0")
        }
    }

    /// RFC 4291 text form, including `::` compression and a trailing IPv4 part; no
    /// brackets, no zone (`%eth0`).
    public static func isIPv6(_ s: String) -> Bool {
        let bytes = Array(s.utf8)
        guard bytes.count >= 2, bytes.count <= 45, bytes.contains(UInt8(ascii: ":")) else { return false }
        // Split at "::" (at most once).
        var halves: [ArraySlice<UInt8>] = []
        var start = 0
        var i = 0
        while i + 1 < bytes.count {
            if bytes[i] == UInt8(ascii: ":") && bytes[i + 1] == UInt8(ascii: ":") {
                halves.append(bytes[start..<i])
                i += 2
                start = i
            } else {
                i += 1
            }
        }
        halves.append(bytes[start...])
        guard halves.count <= 2 else { return false }
        func groups(_ part: ArraySlice<UInt8>, allowIPv4Tail: Bool) -> Int? {
            if part.isEmpty { return 0 }
            let items = part.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
            var count = 0
            for (i, item) in items.enumerated() {
                if i == items.count - 1, allowIPv4Tail, item.contains(UInt8(ascii: ".")) {
                    guard isIPv4(String(decoding: item, as: UTF8.self)) else { return nil }
                    count += 2
                } else {
                    guard (1...4).contains(item.count), item.allSatisfy({ ASCII.hexValue($0) != nil }) else { return nil }
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

    /// RFC 1123 hostname: labels of 1–63 `A-Z a-z 0-9 -` not starting or ending with `-`,
    /// at most 253 characters, not all-numeric.
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
}
