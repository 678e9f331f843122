import TapedeckAudio
import TapedeckSystem

/// What tapedeckd claims at start, one daemon each: the spool, the database and the
/// control socket.
public enum Resource: String, Sendable {
    case spool = "spool"
    case database = "database"
    case socket = "control socket"
}

/// Why the daemon cannot start on its spool, database or socket: one line in words,
/// naming the path (printed after `tapedeckd: cannot start: `).
public enum StartupError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The path exists and is not a folder: `what` it is instead ("a regular file").
    case notAFolder(Resource, path: String, what: String)
    /// The path cannot be created, read or stat'ed.
    case unusable(Resource, path: String, FileError)
    /// Its permission bits cannot be set.
    case cannotSetMode(Resource, path: String, FileError)
    /// The folder that should hold it (and its lock file) does not exist.
    case noFolder(Resource, path: String, folder: String)
    /// Its lock file cannot be used.
    case lockFile(Resource, path: String, LockFileError)
    /// Another process holds its lock: the pid written in the lock file (nil: none yet).
    case inUse(Resource, path: String, lockFile: String, pid: Int32?)

    public var description: String {
        switch self {
        case .notAFolder(let r, let path, let what):
            return "\(r.rawValue) \(path) is \(what), not a folder"
        case .unusable(let r, let path, let error), .cannotSetMode(let r, let path, let error):
            return "\(r.rawValue) \(path): \(error)"
        case .noFolder(let r, let path, let folder):
            return "\(r.rawValue) \(path): folder \(folder) does not exist"
        case .lockFile(let r, let path, let error):
            return "\(r.rawValue) \(path): \(error)"
        case .inUse(let r, let path, let lock, let pid):
            let holder = pid.map { "pid \($0)" } ?? "another process (its lock file holds no pid yet)"
            return "\(r.rawValue) \(path) is in use by \(holder) (lock file \(lock)): one tapedeckd per \(r.rawValue)"
        }
    }
}
