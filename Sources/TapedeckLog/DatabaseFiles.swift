#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The files of a database on disk (the file and SQLite's `-wal` and `-shm` beside it) and
/// their permission bits, set whatever the umask.
enum DatabaseFiles {
    static func paths(_ path: String) -> [String] { [path, path + "-wal", path + "-shm"] }

    /// Before SQLite opens `path`: creates it empty with `mode` if it is missing (SQLite
    /// takes an empty file as a new database, and makes `-wal` and `-shm` with the
    /// database's own bits), and sets `mode` on every one of its files that exists.
    static func prepare(_ path: String, mode: mode_t) throws(RecordingLogError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        if fd >= 0 {
            let failed = fchmod(fd, mode) != 0 ? errno : 0
            close(fd)
            if failed != 0 { throw cannotSetMode(path, mode, failed) }
        } else if errno != EEXIST {
            throw RecordingLogError.cannotOpen(path: path, reason: "cannot create: " + String(cString: strerror(errno)))
        }
        try setMode(path, mode)
    }

    /// Sets `mode` on the database and whichever of its `-wal` and `-shm` files exist.
    static func setMode(_ path: String, _ mode: mode_t) throws(RecordingLogError) {
        for file in paths(path) where chmod(file, mode) != 0 {
            if errno == ENOENT && file != path { continue }
            throw cannotSetMode(file, mode, errno)
        }
    }

    private static func cannotSetMode(_ file: String, _ mode: mode_t, _ code: Int32) -> RecordingLogError {
        let digits = String(mode, radix: 8)
        return .cannotSetMode(file: file, mode: String(repeating: "0", count: max(0, 4 - digits.count)) + digits,
                              reason: String(cString: strerror(code)))
    }
}
