import TapedeckSystem

/// The spool-full check a START makes before it creates a file.
extension AudioEngine {
    /// Refuse to start below this much free space in the spool (a few seconds of the
    /// largest recordings), so a full disk is reported at START, not seconds later.
    static let minimumFreeBytes: UInt64 = 512 * 1024

    /// Why the spool holding `path` cannot take a new recording (full), or nil.
    static func spoolFull(directoryOf path: String) -> String? {
        let dir = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        guard let free = FileSystem.availableBytes(at: dir) else { return nil }
        return free < minimumFreeBytes ? "spool \(dir) is full (\(free / 1024) KiB free)" : nil
    }
}
