#if canImport(Glibc)
import Glibc
#endif

/// The file syscalls the writers need, each failing with a typed `FileError`
/// that names the operation and the path.
public struct FileError: Error, Equatable, Sendable, CustomStringConvertible {
    public let operation: String
    public let path: String
    public let errno: Errno
    public init(operation: String, path: String, errno: Errno) {
        self.operation = operation
        self.path = path
        self.errno = errno
    }
    public var description: String { "cannot \(operation) \(path): \(errno)" }
}

public struct FileDescriptor: Sendable {
    public let raw: Int32
    public let path: String

    /// Creates (or truncates) a file for writing: with permission bits `mode` exactly,
    /// whatever the umask, or 0644 less the umask when `mode` is nil.
    public static func create(_ path: String, mode: mode_t? = nil) throws(FileError) -> FileDescriptor {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode ?? 0o644)
        guard fd >= 0 else { throw FileError(operation: "create", path: path, errno: .current) }
        let file = FileDescriptor(raw: fd, path: path)
        if let mode {
            do throws(FileError) {
                try file.setMode(mode)
            } catch {
                _ = Glibc.close(fd)
                FileSystem.remove(path)
                throw error
            }
        }
        return file
    }

    /// Sets the file's permission bits (fchmod: the umask plays no part).
    public func setMode(_ mode: mode_t) throws(FileError) {
        guard fchmod(raw, mode) == 0 else {
            throw FileError(operation: "set mode \(FileSystem.octal(mode)) of", path: path, errno: .current)
        }
    }

    /// Writes all of `count` bytes (retrying short writes and EINTR).
    public func write(_ bytes: UnsafeRawPointer, count: Int) throws(FileError) {
        var done = 0
        while done < count {
            let n = Glibc.write(raw, bytes + done, count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError(operation: "write", path: path, errno: .current)
            }
            done += n
        }
    }

    /// Writes `count` bytes at `offset` without moving the file position.
    public func write(_ bytes: UnsafeRawPointer, count: Int, at offset: Int) throws(FileError) {
        var done = 0
        while done < count {
            let n = pwrite(raw, bytes + done, count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError(operation: "write", path: path, errno: .current)
            }
            done += n
        }
    }

    /// Writes `bytes` at `offset`, or at the file position when `offset` is nil.
    public func write(_ bytes: [UInt8], at offset: Int? = nil) throws(FileError) {
        let result: Result<Void, FileError> = bytes.withUnsafeBytes { b in
            do throws(FileError) {
                if let offset { try write(b.baseAddress!, count: b.count, at: offset) }
                else { try write(b.baseAddress!, count: b.count) }
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
    }

    public func sync() throws(FileError) {
        guard fsync(raw) == 0 else { throw FileError(operation: "fsync", path: path, errno: .current) }
    }

    public func close() throws(FileError) {
        guard Glibc.close(raw) == 0 else { throw FileError(operation: "close", path: path, errno: .current) }
    }
}

public enum FileSystem {
    /// Renames `from` to `to` and makes the rename durable by syncing the directory.
    public static func renameDurably(_ from: String, to: String) throws(FileError) {
        guard rename(from, to) == 0 else {
            throw FileError(operation: "rename \(from) to", path: to, errno: .current)
        }
        syncDirectory(of: to)
    }

    /// fsyncs the directory holding `path` (best effort: some file systems refuse).
    public static func syncDirectory(of path: String) {
        let dir: String
        if let slash = path.lastIndex(of: "/") {
            dir = slash == path.startIndex ? "/" : String(path[..<slash])
        } else {
            dir = "."
        }
        let fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 { _ = fsync(fd); _ = Glibc.close(fd) }
    }

    public static func remove(_ path: String) { _ = unlink(path) }

    /// Size in bytes of the file at `path`, or nil when it cannot be stat'ed.
    public static func size(of path: String) -> Int? {
        var st = stat()
        return stat(path, &st) == 0 ? Int(st.st_size) : nil
    }
}
