#if canImport(Glibc)
import Glibc
#endif

/// What stat(2) says of a file, in the few fields the callers read.
public struct FileStatus: Equatable, Sendable {
    /// The file type bits (`st_mode & S_IFMT`).
    public let type: mode_t
    /// The permission bits (`st_mode & 0o7777`).
    public let permissions: mode_t
    public let size: Int
    public let device: UInt64
    public let inode: UInt64

    init(_ st: stat) {
        type = st.st_mode & S_IFMT
        permissions = st.st_mode & 0o7777
        size = Int(st.st_size)
        device = UInt64(st.st_dev)
        inode = UInt64(st.st_ino)
    }

    /// The whole `st_mode` (type and permission bits).
    public var mode: mode_t { type | permissions }
    public var isRegularFile: Bool { type == S_IFREG }
    public var isDirectory: Bool { type == S_IFDIR }
    public var isSocket: Bool { type == S_IFSOCK }

    /// stat(2) of `path` (symbolic links followed), or lstat(2) with `followLinks` false.
    public static func of(_ path: String, followLinks: Bool = true) -> Result<FileStatus, Errno> {
        var st = stat()
        let rc = followLinks ? stat(path, &st) : lstat(path, &st)
        return rc == 0 ? .success(FileStatus(st)) : .failure(.current)
    }

    /// fstat(2) of a raw descriptor the caller owns (stderr, for one).
    public static func of(descriptor: Int32) -> FileStatus? {
        var st = stat()
        return fstat(descriptor, &st) == 0 ? FileStatus(st) : nil
    }
}
