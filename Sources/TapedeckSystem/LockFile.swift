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
    private var file: FileDescriptor?
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

    private init(path: String, file: FileDescriptor, identity: FileIdentity) {
        self.path = path
        self.file = file
        self.identity = identity
    }

    deinit { release() }

    /// Tries to lock `path` without waiting, creating it with permission bits `mode` if it
    /// is missing. Acquired: the file is set to `mode` and holds this process's pid. Held by
    /// another process: nothing is changed. Throws when the file cannot be opened or is not
    /// a regular file (a symbolic link is refused).
    public static func acquire(_ path: String, mode: mode_t) throws(LockFileError) -> Attempt {
        func fail(_ what: String, _ e: Errno) -> LockFileError { LockFileError(path: path, problem: "cannot \(what): \(e)") }
        let file: FileDescriptor
        var readOnly = false
        do throws(FileError) {
            file = try FileDescriptor.open(path, .readWrite, options: [.create, .noFollow, .nonBlocking], mode: mode)
        } catch where error.errno == .permissionDenied {
            // Someone else's lock file: enough to see whether it is held, and by whom.
            let denied = error.errno
            do throws(FileError) {
                file = try FileDescriptor.open(path, .readOnly, options: [.noFollow, .nonBlocking])
            } catch _ {
                throw fail("open", denied)
            }
            readOnly = true
        } catch {
            throw error.errno == .tooManySymbolicLinkLevels
                ? LockFileError(path: path, problem: "a symbolic link, not a regular file") : fail("open", error.errno)
        }
        let status: FileStatus
        do throws(FileError) {
            status = try file.status()
        } catch {
            try? file.close()
            throw fail("stat", error.errno)
        }
        guard status.isRegularFile else {
            try? file.close()
            throw LockFileError(path: path, problem: "not a regular file")
        }
        let locked: Bool
        do throws(FileError) {
            locked = try file.tryLockExclusive()
        } catch {
            try? file.close()
            throw fail("lock", error.errno)
        }
        guard locked else {
            let holder = Self.pid(in: readStart(file))
            try? file.close()
            return .held(by: holder)
        }
        if readOnly {
            try? file.close()
            throw fail("open", .permissionDenied)
        }
        let lock = LockFile(path: path, file: file, identity: FileIdentity(device: status.device, inode: status.inode))
        let text = Array("\(getpid())\n".utf8)
        guard ftruncate(file.raw, 0) == 0 else { throw fail("write the pid", .current) }
        do throws(FileError) {
            try file.write(text, at: 0)
        } catch {
            throw fail("write the pid", error.errno)
        }
        do throws(FileError) {
            try file.setMode(mode)
        } catch {
            throw fail("set mode \(FileSystem.octal(mode))", error.errno)
        }
        return .acquired(lock)
    }

    /// The identity of the file at `path` (not following a final symbolic link), if it exists.
    public static func identity(of path: String) -> FileIdentity? {
        guard let st = try? FileStatus.of(path, followLinks: false).get() else { return nil }
        return FileIdentity(device: st.device, inode: st.inode)
    }

    /// Drops the lock (closing the descriptor); the file stays.
    public func release() {
        if let file { try? file.close(); self.file = nil }
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
    private static func readStart(_ file: FileDescriptor) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 64)
        let n = buffer.withUnsafeMutableBytes { (try? file.read(into: $0, at: 0)) ?? 0 }
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
