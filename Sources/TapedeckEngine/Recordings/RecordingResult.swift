/// A recording's end as the engine reports it: the file (when one was completed), what
/// went wrong, if anything, and why it ended.
public struct RecordingResult: Sendable, Equatable {
    /// Why a recording ended, when the engine ended it (nil: it was asked to).
    public enum Cause: Sendable, Equatable {
        /// Its timeout was reached.
        case timeout
        /// Both legs were silent for the required time.
        case silence
        /// The DTMF key was heard.
        case key
        /// A write failed for lack of space (ENOSPC).
        case diskFull
        /// Another write error.
        case error
        /// Its device delivered no frame while it ran.
        case noAudio
    }

    public var path: String
    public var durationSeconds: Double
    public var sizeBytes: Int64
    public var framesLost: UInt64
    /// Set when the file could not be completed (the reason in words).
    public var error: String?
    public var cause: Cause?
    public var pausedSeconds: Double
    public var maskedSeconds: Double
    /// With leg files: the agent's and the customer's, in that order.
    public var legs: [RecordingResult]
    /// SHA-256 (lower-case hex) of the final file at `path`; nil when there is no file.
    public var sha256: String?
    /// Set when the engine had to repair the file in place (after a write error).
    public var repair: InPlaceRepair?

    public init(path: String, durationSeconds: Double, sizeBytes: Int64, framesLost: UInt64 = 0, error: String? = nil,
                cause: Cause? = nil, pausedSeconds: Double = 0, maskedSeconds: Double = 0, legs: [RecordingResult] = [],
                sha256: String? = nil, repair: InPlaceRepair? = nil) {
        self.path = path
        self.durationSeconds = durationSeconds
        self.sizeBytes = sizeBytes
        self.framesLost = framesLost
        self.error = error
        self.cause = cause
        self.pausedSeconds = pausedSeconds
        self.maskedSeconds = maskedSeconds
        self.legs = legs
        self.sha256 = sha256
        self.repair = repair
    }
}

/// A file the engine repaired in place (header or Info tag rewritten, cut to the last
/// whole frame) after a write error, so the log can tell the repair from tampering.
public struct InPlaceRepair: Sendable, Equatable {
    /// SHA-256 (lower-case hex) of the file before the repair; nil when it could not be read.
    public var originalSHA256: String?
    public init(originalSHA256: String?) { self.originalSHA256 = originalSHA256 }
}
