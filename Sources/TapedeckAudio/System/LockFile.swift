#if canImport(Glibc)
import Glibc
#endif

/// A lock file that cannot be used: its path and what is wrong, in words.
public struct LockFileError: Error, Equatable, Sendable, CustomStringConvertible {
    public let path: String
    /// "cannot open: Permission denied", "not a regular file", …
    public let problem: String
    public var description: String { "lock file \(path): \(problem)" }
}

/// An exclusive `flock(2)` on a file that holds its holder's pid. The kernel drops the lock
/// when the holder's descriptor closes, so it lasts exactly as long as the process (however
/// it ends: exit, crash, SIGKILL) unless released; the file itself stays, with the pid of
/// its last holder.
public final class LockFile: @unchecked Sendable {
    public let path: String
    private var fd: Int32
    /// The file's device and inode: the lock's identity, whatever path reached it.
    public let identity: FileIdentity

    public struct FileIdentity: Hashable, Sendable {
        public let device: UInt64
        public let inode: UInt64
    }

    public enum Attempt {
        case acquired(LockFile)
        /// Another process holds it: the pid written in the file (nil when it holds none yet).
        case held(by: Int32?)
    }

    private init(path: String, fd: Int32, identity: FileIdentity) {
        self.path = path
        self.fd = fd
        self.identity = identity
    }

    deinit { release() }

    /// Tries to lock `path` without waiting, creating it with permission bits `mode` if it
    /// is missing. Acquired: the file is set to `mode` and holds this process's pid. Held by
    /// another process: nothing is changed. Throws when the file cannot be opened or is not
    /// a regular file (a symbolic link is refused).
    public static func acquire(_ path: String, mode: mode_t) throws(LockFileError) -> Attempt {
        func fail(_ what: String, _ e: Errno) -> LockFileError { LockFileError(path: path, problem: "cannot \(what): \(e)") }
        var fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, mode)
        var readOnly = false
        if fd < 0 && errno == EACCES {
            // Someone else's lock file: enough to see whether it is held, and by whom.
            let denied = Errno.current
            fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
            if fd < 0 { throw fail("open", denied) }
            readOnly = true
        }
        guard fd >= 0 else {
            let e = Errno.current
            throw e.rawValue == ELOOP ? LockFileError(path: path, problem: "a symbolic link, not a regular file") : fail("open", e)
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let e = Errno.current
            close(fd)
            throw fail("stat", e)
        }
        guard st.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            throw LockFileError(path: path, problem: "not a regular file")
        }
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            if errno == EINTR { continue }
            let e = Errno.current
            if e.rawValue == EWOULDBLOCK {
                let holder = Self.pid(in: readAll(fd))
                close(fd)
                return .held(by: holder)
            }
            close(fd)
            throw fail("lock", e)
        }
        if readOnly {
            close(fd)
            throw fail("open", Errno(EACCES))
        }
        let lock = LockFile(path: path, fd: fd, identity: FileIdentity(device: UInt64(st.st_dev), inode: UInt64(st.st_ino)))
        let text = Array("\(getpid())\n".utf8)
        guard ftruncate(fd, 0) == 0,
              text.withUnsafeBytes({ pwrite(fd, $0.baseAddress, $0.count, 0) }) == text.count else {
            throw fail("write the pid", .current)
        }
        guard fchmod(fd, mode) == 0 else {
            throw fail("set mode \(FileSystem.octal(mode))", .current)
        }
        return .acquired(lock)
    }

    /// The identity of the file at `path` (not following a final symbolic link), if it exists.
    public static func identity(of path: String) -> FileIdentity? {
        var st = stat()
        guard lstat(path, &st) == 0 else { return nil }
        return FileIdentity(device: UInt64(st.st_dev), inode: UInt64(st.st_ino))
    }

    /// Drops the lock (closing the descriptor); the file stays.
    public func release() {
        if fd >= 0 { close(fd); fd = -1 }
    }

    /// The pid a lock file's text names: one decimal number, surrounding white space allowed.
    public static func pid(in bytes: [UInt8]) -> Int32? {
        let text = String(decoding: bytes, as: UTF8.self).trimmingWhitespace
        guard !text.isEmpty, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let pid = Int32(text), pid > 0 else {
            return nil
        }
        return pid
    }

    /// The first bytes of the file (a pid is a few digits).
    private static func readAll(_ fd: Int32) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 64)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        return n > 0 ? Array(buffer[0..<n]) : []
    }
}

private extension String {
    var trimmingWhitespace: Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return self[first...last]
    }
}
