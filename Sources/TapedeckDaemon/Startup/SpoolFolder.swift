import TapedeckAudio
import TapedeckSystem
#if canImport(Glibc)
import Glibc
#endif

/// The spool made ready for recordings: created if missing, locked for this daemon, and
/// given its permission bits whatever the umask.
enum SpoolFolder {
    /// Creates `spool` with `mode` if it is missing (nobody can be using a folder that is
    /// not there), locks it (its lock file gets `lockMode`), then sets `mode` on it. A
    /// spool another daemon holds is left exactly as it is.
    static func claim(_ spool: String, mode: mode_t, lockMode: mode_t, locks: InstanceLocks) throws(StartupError) {
        switch FileSystem.kind(of: spool) {
        case .directory: break
        case .missing:
            do throws(FileError) {
                try FileSystem.createDirectory(spool, mode: mode)
            } catch {
                throw .unusable(.spool, path: spool, error)
            }
        case .regularFile: throw .notAFolder(.spool, path: spool, what: "a regular file")
        case .other(let what): throw .notAFolder(.spool, path: spool, what: what)
        case .unreadable(let e): throw .unusable(.spool, path: spool, FileError(operation: "stat", path: spool, errno: e))
        }
        try locks.acquire(.spool, spool, mode: lockMode)
        guard FileSystem.mode(of: spool) != mode else { return }
        do throws(FileError) {
            try FileSystem.setMode(spool, mode)
        } catch {
            throw .cannotSetMode(.spool, path: spool, error)
        }
    }
}
