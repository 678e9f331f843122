import Foundation
import Logging
import TapedeckSystem
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A swift-log handler for a daemon: exactly one line per event on stderr.
///
/// - Under systemd, when stderr is connected to the journal (`$JOURNAL_STREAM` names
///   stderr's device and inode), each line starts with a syslog priority prefix as
///   sd-daemon(3) defines (`<3>` error, `<4>` warning, `<5>` notice, `<6>` info, `<7>` debug,
///   `<2>` critical) and carries no timestamp: the journal records both, so
///   `journalctl -p warning` filters by level.
/// - Elsewhere (a terminal, a file, a test) each line starts with an ISO 8601 timestamp and
///   the level: `2025-01-31T10:00:00.123Z notice tapedeckd: ready stations=4`.
///
/// Metadata follows the message as `key=value` pairs sorted by key; values with spaces,
/// quotes or `=` are quoted. Newlines in messages or values are escaped (`\n`), so one
/// event never spans two journal entries.
public struct JournalLogHandler: LogHandler {
    /// How lines look.
    public enum Format: Sendable, Equatable {
        /// `<N>label: message k=v` (the journal adds time and identifier).
        case journal
        /// `timestamp level label: message k=v`.
        case plain
    }

    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public let label: String
    public let format: Format
    private let output: @Sendable (String) -> Void
    /// The label as printed: in the journal, the process's own name is left out (the
    /// journal shows it as the identifier: `tapedeckd[812]: ready stations=4`).
    private let shownLabel: String

    /// A handler writing to stderr, in the journal format when stderr is the journal.
    public init(label: String, level: Logger.Level = .info,
                format: Format = JournalLogHandler.detectFormat(),
                metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider) {
        self.init(label: label, level: level, format: format, metadataProvider: metadataProvider,
                  output: JournalLogHandler.writeStandardError)
    }

    /// A handler handing each finished line (with its `\n`) to `output`.
    public init(label: String, level: Logger.Level = .info, format: Format,
                metadataProvider: Logger.MetadataProvider? = nil,
                output: @escaping @Sendable (String) -> Void) {
        self.label = label
        self.logLevel = level
        self.format = format
        self.metadataProvider = metadataProvider
        self.output = output
        self.shownLabel = format == .journal && label == ProcessInfo.processInfo.processName ? "" : label
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let own = event.metadata { merged.merge(own) { _, new in new } }
        output(Self.line(format: format, level: event.level, label: shownLabel,
                         message: event.message.description, metadata: merged, date: Date()))
    }

    // MARK: Formatting (pure, for tests)

    /// The syslog priority sd-daemon(3) uses for `level`.
    public static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: return 7   // SD_DEBUG
        case .info: return 6            // SD_INFO
        case .notice: return 5          // SD_NOTICE
        case .warning: return 4         // SD_WARNING
        case .error: return 3           // SD_ERR
        case .critical: return 2        // SD_CRIT
        }
    }

    /// One complete line, ending in `\n`.
    public static func line(format: Format, level: Logger.Level, label: String, message: String,
                            metadata: Logger.Metadata, date: Date) -> String {
        var s: String
        switch format {
        case .journal:
            s = "<\(priority(level))>"
        case .plain:
            s = timestamp(date) + " " + level.rawValue + " "
        }
        s += label.isEmpty ? "" : label + ": "
        s += escape(message)
        for key in metadata.keys.sorted() {
            s += " " + escape(key) + "=" + value(metadata[key]!)
        }
        return s + "\n"
    }

    static func value(_ v: Logger.Metadata.Value) -> String {
        let text: String
        switch v {
        case .string(let str): text = str
        case .stringConvertible(let c): text = c.description
        case .array(let a): text = "[" + a.map { $0.description }.joined(separator: ", ") + "]"
        case .dictionary(let d):
            text = "[" + d.keys.sorted().map { "\($0): \(d[$0]!.description)" }.joined(separator: ", ") + "]"
        }
        let needsQuotes = text.isEmpty || text.contains { $0 == " " || $0 == "\"" || $0 == "=" || $0 == "\t" }
        if !needsQuotes { return escape(text) }
        return "\"" + escape(text).replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// Control characters made visible so a line stays one line.
    static func escape(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return text }
        var out = ""
        for u in text.unicodeScalars {
            switch u {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where u.value < 0x20 || u.value == 0x7F:
                out += "\\x" + String(format: "%02x", u.value)
            default: out.unicodeScalars.append(u)
            }
        }
        return out
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    // MARK: Where lines go

    /// `.journal` when stderr is the journal stream named by `$JOURNAL_STREAM`
    /// (`<device>:<inode>` of the socket systemd connected stderr to), `.plain` otherwise.
    public static func detectFormat(environment: [String: String] = ProcessInfo.processInfo.environment,
                                    fileDescriptor: Int32 = 2) -> Format {
        guard let value = environment["JOURNAL_STREAM"] else { return .plain }
        let parts = value.split(separator: ":")
        guard parts.count == 2, let dev = UInt64(parts[0]), let ino = UInt64(parts[1]) else { return .plain }
        guard let st = FileStatus.of(descriptor: fileDescriptor) else { return .plain }
        return st.device == dev && st.inode == ino ? .journal : .plain
    }

    private static let writeLock = NSLock()

    /// One write(2) per line, serialised, so lines from different threads never interleave.
    @Sendable static func writeStandardError(_ line: String) {
        writeLock.lock()
        defer { writeLock.unlock() }
        var bytes = Array(line.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += n
        }
        bytes.removeAll()
    }
}
