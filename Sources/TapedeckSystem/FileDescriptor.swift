import CSyscalls
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// An open file and the path it was opened by: swift-system's `FileDescriptor` underneath
/// (open, read, write, close), with the calls swift-system lacks (fsync, fdatasync,
/// syncfs, fchmod, fchown, flock), each failing with a `FileError` that names the
/// operation and the path.
///
/// Paths reach open(2) exactly as given (through swift-system's C-string `open`, not
/// `FilePath`, which would drop a trailing slash).
public struct FileDescriptor: Sendable {
    public typealias AccessMode = SystemPackage.FileDescriptor.AccessMode
    public typealias OpenOptions = SystemPackage.FileDescriptor.OpenOptions

    public let descriptor: SystemPackage.FileDescriptor
    public let path: String
    /// The descriptor number, for C libraries that take one (libsndfile's `sf_open_fd`).
    public var raw: Int32 { descriptor.rawValue }

    /// The process's standard output and standard error (never closed by this type).
    public static let standardOutput = FileDescriptor(descriptor: .standardOutput, path: "standard output")
    public static let standardError = FileDescriptor(descriptor: .standardError, path: "standard error")

    /// Writes all of `text` at the file position; a failure (a closed pipe) is dropped,
    /// for messages where there is nobody left to tell.
    public func write(_ text: String) {
        var text = text
        text.withUTF8 { buf in
            guard let base = buf.baseAddress else { return }
            try? write(base, count: buf.count)
        }
    }

    /// Opens `path`; `mode` is the permission bits of a file `.create` makes (less the umask).
    public static func open(_ path: String, _ access: AccessMode, options: OpenOptions = [],
                            mode: mode_t = 0o644) throws(FileError) -> FileDescriptor {
        let opened = path.withCString { cPath in
            fileCall("open", path) {
                try SystemPackage.FileDescriptor.open(cPath, access, options: options.union(.closeOnExec),
                                                      permissions: FilePermissions(rawValue: mode))
            }
        }
        return FileDescriptor(descriptor: try opened.get(), path: path)
    }

    /// Creates (or truncates) a file for writing: with permission bits `mode` exactly,
    /// whatever the umask, or 0644 less the umask when `mode` is nil.
    public static func create(_ path: String, mode: mode_t? = nil) throws(FileError) -> FileDescriptor {
        let opened: FileDescriptor
        do throws(FileError) {
            opened = try open(path, .writeOnly, options: [.create, .truncate], mode: mode ?? 0o644)
        } catch {
            throw FileError(operation: "create", path: path, errno: error.errno)
        }
        if let mode {
            do throws(FileError) {
                try opened.setMode(mode)
            } catch {
                try? opened.descriptor.close()
                FileSystem.remove(path)
                throw error
            }
        }
        return opened
    }

    /// Creates a new file `<folder>/<prefix>XXXXXX` with a unique name (mkstemp: mode 0600,
    /// opened for reading and writing); its path is the descriptor's `path`.
    public static func createTemporary(in folder: String, prefix: String) throws(FileError) -> FileDescriptor {
        var template = Array(((folder.hasSuffix("/") ? folder : folder + "/") + prefix + "XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw FileError(operation: "create a temporary file in", path: folder, errno: .current) }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        let path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return FileDescriptor(descriptor: SystemPackage.FileDescriptor(rawValue: fd), path: path)
    }

    /// Cuts or extends the file to `size` bytes (ftruncate).
    public func truncate(to size: Int) throws(FileError) {
        try fileCall("truncate", path) { try descriptor.resize(to: Int64(size)) }.get()
    }

    /// Sets the file's permission bits (fchmod: the umask plays no part).
    public func setMode(_ mode: mode_t) throws(FileError) {
        guard fchmod(raw, mode) == 0 else {
            throw FileError(operation: "set mode \(FileSystem.octal(mode)) of", path: path, errno: .current)
        }
    }

    /// Sets the file's owner and group (fchown; `nil` leaves one as it is).
    public func setOwner(user: uid_t? = nil, group: gid_t? = nil) throws(FileError) {
        guard fchown(raw, user ?? uid_t.max, group ?? gid_t.max) == 0 else {
            throw FileError(operation: "chown", path: path, errno: .current)
        }
    }

    /// Writes all of `count` bytes (retrying short writes and EINTR).
    public func write(_ bytes: UnsafeRawPointer, count: Int) throws(FileError) {
        var done = 0
        while done < count {
            let chunk = UnsafeRawBufferPointer(start: bytes + done, count: count - done)
            done += try fileCall("write", path) { try descriptor.write(chunk) }.get()
        }
    }

    /// Writes `count` bytes at `offset` without moving the file position.
    public func write(_ bytes: UnsafeRawPointer, count: Int, at offset: Int) throws(FileError) {
        var done = 0
        while done < count {
            let chunk = UnsafeRawBufferPointer(start: bytes + done, count: count - done)
            done += try fileCall("write", path) { try descriptor.write(toAbsoluteOffset: Int64(offset + done), chunk) }.get()
        }
    }

    /// Writes `bytes` at `offset`, or at the file position when `offset` is nil.
    public func write(_ bytes: [UInt8], at offset: Int? = nil) throws(FileError) {
        let result: Result<Void, FileError> = bytes.withUnsafeBytes { b in
            guard let base = b.baseAddress else { return .success(()) }
            do throws(FileError) {
                if let offset { try write(base, count: b.count, at: offset) }
                else { try write(base, count: b.count) }
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
    }

    /// Reads up to `buffer.count` bytes at `offset` (pread: the file position stays);
    /// 0 at the end of the file.
    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(FileError) -> Int {
        try fileCall("read", path) { try descriptor.read(fromAbsoluteOffset: Int64(offset), into: buffer) }.get()
    }

    /// Reads up to `buffer.count` bytes at the file position; 0 at the end of the file.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(FileError) -> Int {
        try fileCall("read", path) { try descriptor.read(into: buffer) }.get()
    }

    /// Everything from the file position to the end of the file.
    public func readToEnd() throws(FileError) -> [UInt8] {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            var failed: FileError?
            let n = chunk.withUnsafeMutableBytes { b -> Int in
                do throws(FileError) { return try read(into: b) } catch { failed = error; return 0 }
            }
            if let failed { throw failed }
            if n == 0 { return out }
            out.append(contentsOf: chunk[0..<n])
        }
    }

    /// fsync: the file's data and metadata reach the disk.
    public func sync() throws(FileError) {
        guard fsync(raw) == 0 else { throw FileError(operation: "fsync", path: path, errno: .current) }
    }

    /// fdatasync: the file's data (and the size) reach the disk, other metadata may wait.
    public func syncData() throws(FileError) {
        guard fdatasync(raw) == 0 else { throw FileError(operation: "fdatasync", path: path, errno: .current) }
    }

    /// syncfs: everything written to the file system holding this file reaches the disk.
    public func syncFileSystem() throws(FileError) {
        guard syncfs(raw) == 0 else { throw FileError(operation: "syncfs", path: path, errno: .current) }
    }

    /// fstat of the open file.
    public func status() throws(FileError) -> FileStatus {
        var st = stat()
        guard fstat(raw, &st) == 0 else { throw FileError(operation: "stat", path: path, errno: .current) }
        return FileStatus(st)
    }

    /// Tries to take an exclusive flock(2) without waiting: false when another open file
    /// description holds it (even one of this process).
    public func tryLockExclusive() throws(FileError) -> Bool {
        while flock(raw, LOCK_EX | LOCK_NB) != 0 {
            if errno == EINTR { continue }
            if errno == EWOULDBLOCK { return false }
            throw FileError(operation: "lock", path: path, errno: .current)
        }
        return true
    }

    /// Drops a flock(2) this descriptor holds.
    public func unlock() throws(FileError) {
        guard flock(raw, LOCK_UN) == 0 else { throw FileError(operation: "unlock", path: path, errno: .current) }
    }

    /// Hints that the file will be read front to back (posix_fadvise, best effort).
    public func adviseSequential() {
        _ = posix_fadvise(raw, 0, 0, POSIX_FADV_SEQUENTIAL)
    }

    public func close() throws(FileError) {
        try fileCall("close", path) { try descriptor.close() }.get()
    }
}

/// A swift-system call, its `Errno` made a `FileError` naming `operation` and `path`.
@inline(__always)
func fileCall<R>(_ operation: String, _ path: String, _ call: () throws -> R) -> Result<R, FileError> {
    do {
        return .success(try call())
    } catch let e as Errno {
        return .failure(FileError(operation: operation, path: path, errno: e))
    } catch {
        return .failure(FileError(operation: operation, path: path, errno: .current))
    }
}
