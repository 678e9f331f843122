import Foundation

/// Everything the recording log can report. Each message names the database
/// file, so a configuration or disk problem reads as one clear line.
public enum RecordingLogError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The folder that should hold the database does not exist.
    case folderMissing(path: String, folder: String)
    /// The folder exists but is not a folder (e.g. a regular file).
    case folderNotADirectory(path: String, folder: String)
    /// The folder cannot be written (SQLite needs to create `-wal` and `-shm` files there).
    case folderNotWritable(path: String, folder: String)
    /// The path names a directory or another non-regular file.
    case notARegularFile(path: String)
    /// The database file exists but cannot be read and written.
    case fileNotWritable(path: String)
    /// SQLite refused to open the file (not a database, corrupt, locked, …).
    case cannotOpen(path: String, reason: String)
    /// The permission bits of the database (or its `-wal` / `-shm` file) cannot be set.
    case cannotSetMode(file: String, mode: String, reason: String)
    /// The file was written by a newer Tapedeck (it has migrations this build does not know).
    case newerSchema(path: String)
    /// The file system holding the database is full (SQLITE_FULL).
    case diskFull(path: String)
    /// Any other SQLite error during an operation.
    case database(path: String, operation: String, reason: String)
    /// No row with this recording_id.
    case notFound(id: Int64)
    /// `complete` on a row that is no longer `started`: a closed row is never rewritten.
    case notOpen(id: Int64, status: RecordingStatus)
    /// A repair recorded for a row that is still `started`.
    case notClosed(id: Int64)
    /// A hand repair whose file hash before is not the one the log has for the file.
    case repairDoesNotFollow(id: Int64, expected: String?, before: String)
    /// A value handed to the log is out of range (named by its column or parameter).
    case invalidValue(field: String, reason: String)
    /// A stored row that this build cannot read (e.g. an unknown status word).
    case corruptRow(id: Int64, reason: String)

    public var description: String {
        switch self {
        case .folderMissing(let path, let folder):
            return "recording log \(path): folder \(folder) does not exist"
        case .folderNotADirectory(let path, let folder):
            return "recording log \(path): \(folder) is not a folder"
        case .folderNotWritable(let path, let folder):
            return "recording log \(path): folder \(folder) is not writable"
        case .notARegularFile(let path):
            return "recording log \(path): not a regular file"
        case .fileNotWritable(let path):
            return "recording log \(path): file is not readable and writable"
        case .cannotOpen(let path, let reason):
            return "recording log \(path): cannot open: \(reason)"
        case .cannotSetMode(let file, let mode, let reason):
            return "recording log \(file): cannot set mode \(mode): \(reason)"
        case .newerSchema(let path):
            return "recording log \(path): written by a newer Tapedeck (unknown schema migrations)"
        case .diskFull(let path):
            return "recording log \(path): disk full"
        case .database(let path, let operation, let reason):
            return "recording log \(path): \(operation) failed: \(reason)"
        case .notFound(let id):
            return "recording log: no recording \(id)"
        case .notOpen(let id, let status):
            return "recording log: recording \(id) is already \(status.rawValue)"
        case .notClosed(let id):
            return "recording log: recording \(id) is still started"
        case .repairDoesNotFollow(let id, let expected, let before):
            return "recording log: recording \(id): the file's sha256 before the repair is \(before), not the \(expected ?? "none") the log has"
        case .invalidValue(let field, let reason):
            return "recording log: \(field) \(reason)"
        case .corruptRow(let id, let reason):
            return "recording log: row \(id) cannot be read: \(reason)"
        }
    }
}
