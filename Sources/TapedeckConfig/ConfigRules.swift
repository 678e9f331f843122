import TapedeckVocabulary

/// The value rules of the configuration, each returning nil when valid, else
/// the problem (the text after `key: ` in an error line).
public enum ConfigRules {
    public static let rateRange = 8000...48000
    /// MPEG audio sample rates: MP3 can carry only these.
    public static let mpegRates = MPEGVersion.sampleRates
    public static let channelRange = 1...64
    public static let periodRange = 5...100
    public static let historyRange = 5...300
    public static let limitRange = 1...1440
    public static let maxConnectionsRange = 1...16384
    public static let idleTimeoutRange = 1...86400
    public static let sendTimeoutRange = 1...3600
    public static let maxRecordingsPerAgentRange = 1...64
    public static let maxRecordingsRange = 1...4096
    public static let silenceRange = -90.0 ... -10.0
    public static let templateMaximumLength = FilenameTemplate.maximumLength
    public static let nameMaximumLength = StationName.maximumLength
    public static let pcmMaximumLength = 256
    public static let pathMaximumLength = 4095
    /// `sun_path` holds 108 bytes including the terminating NUL.
    public static let socketPathMaximumLength = 107

    /// Every bitrate of some MPEG rate.
    static var anyMP3Bitrate: [Int] { MP3Bitrates.any }

    /// The table's name for an error line.
    static func mpegLayer(rate: Int) -> String {
        let version = MPEGVersion(sampleRate: rate)
        return "\(version.rawValue) Layer III" + (version == .mpeg25 ? " as LAME encodes it" : "")
    }

    /// Station and device names: 1–32 of `A-Z a-z 0-9 _ - .`, starting with a letter or digit
    /// (``StationName``, the control protocol's `station`).
    public static func name(_ s: String) -> String? {
        guard StationName.isValid(s) else {
            return "\(quoted(s)) is not a name: use 1 to 32 characters of A-Z a-z 0-9 _ - ., starting with a letter or digit"
        }
        return nil
    }

    /// Filename templates: 1–90 of `A-Z a-z 0-9 _ - .`; the variables are words of capitals.
    public static func template(_ s: String) -> String? {
        let scalars = Array(s.unicodeScalars)
        if scalars.isEmpty { return "must not be empty" }
        if let bad = scalars.first(where: { !ASCII.isNameCharacter($0) }) {
            return "\(quoted(s)) contains \(quoted(String(bad))): templates use only A-Z a-z 0-9 _ - ."
        }
        if scalars.count > templateMaximumLength {
            return "\(quoted(s)) is longer than \(templateMaximumLength) characters"
        }
        return nil
    }

    /// server_ip: an IPv4 dotted quad (no leading zeros) or an IPv6 address (no brackets, no zone).
    public static func serverIP(_ s: String) -> String? {
        NetworkAddress.isIPv4(s) || NetworkAddress.isIPv6(s) ? nil : "\(quoted(s)) is not an IPv4 or IPv6 address"
    }

    /// metrics.listen: `"IPv4:PORT"` or `"[IPv6]:PORT"`, the port 1–65535, split; nil if malformed.
    public static func listenAddress(_ s: String) -> (host: String, port: Int)? {
        guard let colon = s.lastIndex(of: ":") else { return nil }
        var host = String(s[..<colon])
        let portText = s[s.index(after: colon)...]
        guard !portText.isEmpty, portText.utf8.count <= 5, portText.allSatisfy({ $0.isASCII && $0.isNumber }),
              let port = Int(portText), (1...65535).contains(port) else { return nil }
        if host.hasPrefix("[") && host.hasSuffix("]") {
            host = String(host.dropFirst().dropLast())
            return NetworkAddress.isIPv6(host) ? (host, port) : nil
        }
        return NetworkAddress.isIPv4(host) ? (host, port) : nil
    }

    /// metrics.listen: the problem with it, or nil.
    public static func listen(_ s: String) -> String? {
        listenAddress(s) == nil
            ? "\(quoted(s)) is not an address and port like \"127.0.0.1:9187\" or \"[::1]:9187\" (port 1–65535)"
            : nil
    }

    /// An absolute path without control characters; `maximum` bytes at most.
    public static func absolutePath(_ s: String, maximum: Int = pathMaximumLength) -> String? {
        if s.isEmpty { return "must not be empty" }
        if ControlCharacter.occurs(in: s) { return "\(quoted(s)) contains a control character" }
        if !s.hasPrefix("/") { return "\(quoted(s)) is not an absolute path" }
        if s.utf8.count > maximum { return "\(quoted(s)) is longer than \(maximum) bytes" }
        return nil
    }

    /// A file path: absolute, and not a folder (`/` at the end).
    public static func filePath(_ s: String, maximum: Int = pathMaximumLength) -> String? {
        if let problem = absolutePath(s, maximum: maximum) { return problem }
        if s.hasSuffix("/") { return "\(quoted(s)) names a folder, not a file" }
        return nil
    }

    /// A permission mode: a string of 1–4 octal digits, at most 0777 (`example` is shown
    /// in the error).
    static func mode(_ s: String, example: String = "0660") -> (UInt16?, String?) {
        guard (1...4).contains(s.utf8.count), s.unicodeScalars.allSatisfy({ ("0"..."7").contains($0) }),
              let value = UInt16(s, radix: 8) else {
            return (nil, "\(quoted(s)) is not an octal mode like \"\(example)\"")
        }
        guard value <= 0o777 else { return (nil, "\(quoted(s)) is above 0777") }
        return (value, nil)
    }

    /// The mode of files the daemon writes and reads back (recordings, the database): the
    /// owner (the daemon) must read and write them, and they are not programs.
    static func fileMode(_ mode: UInt16, _ s: String) -> String? {
        if mode & 0o600 != 0o600 {
            return "\(quoted(s)) does not let the owner (the daemon) read and write the file: it needs 0600"
        }
        if mode & 0o111 != 0 { return "\(quoted(s)) has execute bits (0111): these files are not programs" }
        return nil
    }

    /// The spool's mode: the owner (the daemon) must list, create and remove files in it.
    static func directoryMode(_ mode: UInt16, _ s: String) -> String? {
        mode & 0o700 == 0o700 ? nil
            : "\(quoted(s)) does not let the owner (the daemon) read, write and enter the folder: it needs 0700"
    }

    /// `mode` as written in the file: four octal digits, `"0640"`.
    public static func octal(_ mode: UInt16) -> String {
        let digits = String(mode, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// The socket's group: a name (1–32 of `A-Z a-z 0-9 _ - .`, not starting with `-`) or a numeric gid.
    public static func group(_ s: String) -> String? {
        let scalars = Array(s.unicodeScalars)
        guard (1...nameMaximumLength).contains(scalars.count), scalars[0] != "-",
              scalars.allSatisfy(ASCII.isNameCharacter) else {
            return "\(quoted(s)) is not a group name: use 1 to 32 characters of A-Z a-z 0-9 _ - ., or a numeric gid"
        }
        return nil
    }

    /// An ALSA PCM name: 1–256 characters without control characters.
    public static func pcm(_ s: String) -> String? {
        if s.isEmpty { return "must not be empty" }
        if ControlCharacter.occurs(in: s) { return "\(quoted(s)) contains a control character" }
        if s.unicodeScalars.count > pcmMaximumLength { return "is longer than \(pcmMaximumLength) characters" }
        return nil
    }

    /// `s` in double quotes for error lines: JSON string escaping (``JSONValue/quoted(_:)``),
    /// C1 control characters as `\u0080`–`\u009f` too, so a line holds no control character.
    public static func quoted(_ s: String) -> String {
        var out = ""
        JSONValue.appendEscaped(s, to: &out, also: ControlCharacter.isControl)
        return out
    }

    /// `8000–48000`.
    static func range(_ r: ClosedRange<Int>) -> String { "\(r.lowerBound)–\(r.upperBound)" }

    static func list(_ values: [Int]) -> String { MP3Bitrates.list(values) }
}
