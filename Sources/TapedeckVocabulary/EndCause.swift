/// Why a recording ended: the `cause` of its log row, of its JSON object and of the
/// events, and the `cause` label of the metrics. An open set: the constants below are the
/// words Tapedeck writes, and any other word (a row a later version wrote) round-trips.
public struct EndCause: RawRepresentable, Sendable, Hashable, Codable,
                        ExpressibleByStringLiteral, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }

    /// STOP / END from the API.
    public static let stopped: EndCause = "stopped"
    /// The option `timeout` or the global recording limit.
    public static let timeout: EndCause = "timeout"
    /// `end_on_silence`.
    public static let silence: EndCause = "silence"
    /// `end_on_key` (a DTMF key on the customer leg).
    public static let key: EndCause = "key"
    /// `function=call_end`.
    public static let callEnd: EndCause = "call_end"
    /// `function=logout`.
    public static let logout: EndCause = "logout"
    /// Shorter than `min_duration` (status `discarded`).
    public static let tooShort: EndCause = "too_short"
    /// Any other failure (details in the row's `error`, the snapshot's reason).
    public static let error: EndCause = "error"
    /// Closed at start-up: the daemon died while the row was open.
    public static let recovered: EndCause = "recovered"
    /// The spool's file system filled up.
    public static let diskFull: EndCause = "disk_full"
    /// The capture device went away.
    public static let deviceLost: EndCause = "device_lost"
    /// The capture device delivered no audio while the recording ran (status `failed`).
    public static let noAudio: EndCause = "no_audio"
    /// The daemon was asked to stop (SIGTERM) and finalised its recordings.
    public static let shutdown: EndCause = "shutdown"

    /// Every word Tapedeck writes.
    public static let known: [EndCause] = [.stopped, .timeout, .silence, .key, .callEnd, .logout, .tooShort, .error,
                                          .recovered, .diskFull, .deviceLost, .noAudio, .shutdown]
}
