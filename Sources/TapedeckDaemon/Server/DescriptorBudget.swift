import Logging
import TapedeckConfig
import TapedeckSystem

/// The file descriptors the daemon needs at its configured limits (docs/operations.md,
/// "Limits"): a fixed reserve for itself (devices, the recording log, the journal, the
/// listening sockets, the accept loops' spare descriptors), one per control connection,
/// one per metrics connection when the listener is on, and up to three per recording
/// (`legs=split` writes three files).
struct DescriptorBudget: Equatable {
    static let reserved = 128
    static let filesPerRecording = 3

    var controlConnections: Int
    var metricsConnections: Int
    var recordings: Int

    init(_ c: TapedeckConfiguration) {
        controlConnections = c.control.maxConnections
        metricsConnections = c.metrics.listen == nil ? 0 : ScrapeServer.maxConnections
        recordings = c.recording.maxRecordings
    }

    var needed: Int {
        Self.reserved + controlConnections + metricsConnections + Self.filesPerRecording * recordings
    }

    /// Raises the soft RLIMIT_NOFILE towards `needed` (up to the hard limit) and warns
    /// when the limit stays below it.
    func apply(logger: Logger) {
        guard let limit = OpenFileLimit.raiseSoftLimit(toward: UInt64(needed)), limit < UInt64(needed) else { return }
        logger.warning("the file descriptor limit is below what the configured limits need; raise LimitNOFILE or lower them",
                       metadata: ["limit": "\(limit)", "needed": "\(needed)",
                                  "max_connections": "\(controlConnections)", "max_recordings": "\(recordings)"])
    }
}
