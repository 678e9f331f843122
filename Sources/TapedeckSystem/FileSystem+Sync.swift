import CSyscalls
#if canImport(Glibc)
import Glibc
#endif

/// Syncing whole file systems: what lets a daemon with a thousand files open make them
/// durable with one call an interval instead of an fsync per file.
extension FileSystem {
    /// The directory holding `path` ("." for a bare name).
    public static func directory(of path: String) -> String { folder(of: path) }

    /// The device number of the file system holding `path`, or nil when it cannot be stat'ed.
    public static func device(of path: String) -> UInt64? {
        var st = stat()
        return stat(path, &st) == 0 ? UInt64(st.st_dev) : nil
    }

    /// syncfs(2) on the file system holding the directory `directory`: everything written
    /// to it before the call is on disk when it returns.
    public static func syncFileSystem(containing directory: String) throws(FileError) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw FileError(operation: "open", path: directory, errno: .current) }
        defer { _ = Glibc.close(fd) }
        guard syncfs(fd) == 0 else { throw FileError(operation: "syncfs", path: directory, errno: .current) }
    }
}
