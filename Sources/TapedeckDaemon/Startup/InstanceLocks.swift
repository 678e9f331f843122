import TapedeckLog
import Synchronization
import TapedeckAudio
import TapedeckSystem
#if canImport(Glibc)
import Glibc
#endif

/// One tapedeckd per spool, per database and per control socket: an exclusive `flock` on a
/// lock file for each — `<spool>/.tapedeck.lock`, `<database>.lock`, `<socket>.lock` (the
/// last two beside the file, in its folder's real path) — taken before anything is touched
/// and held until the process ends, however it ends: a SIGKILL releases them. Each file
/// holds its last holder's pid; they are never removed (removing one could let two
/// processes hold "the" lock on two different files).
final class InstanceLocks: Sendable {
    private let held = Mutex<[LockFile]>([])

    /// The lock file of `resource` at `path`.
    static func lockPath(_ resource: Resource, _ path: String) -> String {
        switch resource {
        case .spool: path + "/" + DaemonFiles.spoolLockName
        case .database, .socket: DaemonFiles.lockPath(besides: FileSystem.resolved(path))
        }
    }

    /// Locks `resource` at `path` for this process (at once or not at all; nothing is
    /// changed when another process holds it). Already held by this process: nothing to do.
    /// A lock file created here gets `mode`.
    func acquire(_ resource: Resource, _ path: String, mode: mode_t) throws(StartupError) {
        let lockPath = Self.lockPath(resource, path)
        try held.withLock { (held: inout [LockFile]) throws(StartupError) in
            if let identity = LockFile.identity(of: lockPath), held.contains(where: { $0.identity == identity }) { return }
            let attempt: LockFile.Attempt
            do throws(LockFileError) {
                attempt = try LockFile.acquire(lockPath, mode: mode)
            } catch {
                let folder = String(lockPath[..<(lockPath.lastIndex(of: "/") ?? lockPath.endIndex)])
                if !folder.isEmpty, FileSystem.kind(of: folder) == .missing {
                    throw .noFolder(resource, path: path, folder: folder)
                }
                throw .lockFile(resource, path: path, error)
            }
            switch attempt {
            case .acquired(let lock): held.append(lock)
            case .held(let pid): throw .inUse(resource, path: path, lockFile: lockPath, pid: pid)
            }
        }
    }

    /// Drops every lock (at the very end of a shutdown).
    func releaseAll() {
        held.withLock { held in
            for lock in held { lock.release() }
            held.removeAll()
        }
    }
}
