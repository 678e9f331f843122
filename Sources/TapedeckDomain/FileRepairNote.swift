/// A file the daemon repaired in place (header or Info tag rewritten, cut to the last
/// whole frame) before its row was closed: the log records it so `tapedeck verify` tells
/// a repair from tampering.
public struct FileRepairNote: Sendable, Equatable {
    /// SHA-256 (lower-case hex) of the file before the repair; nil when it could not be read.
    public var originalSHA256: String?
    public init(originalSHA256: String?) { self.originalSHA256 = originalSHA256 }
}
