/// The spool's files as the domain sees them: whether a recording's name is taken there,
/// and discarding a file that must not be kept (shorter than `min_duration`). The daemon's
/// asks the file system; tests keep names in memory.
public protocol RecordingFiles: Sendable {
    /// Whether a file named `name` (without extension) exists in `folder` in any format
    /// the daemon writes, finished or still being written (`.part`).
    func nameTaken(_ name: String, in folder: String) -> Bool
    /// Removes the finished file at `path` (a missing file is not an error).
    func discard(path: String)
}
