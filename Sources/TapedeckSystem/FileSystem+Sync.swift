#if canImport(Glibc)
import Glibc
#endif

/// Syncing whole file systems: what lets a daemon with a thousand files open make them
/// durable with one call an interval instead of an fsync per file.
extension FileSystem {
    /// The device number of the file system holding `path`, or nil when it cannot be stat'ed.
    public static func device(of path: String) -> UInt64? {
        guard case .success(let st) = FileStatus.of(path, followLinks: true) else { return nil }
        return st.device
    }

    /// syncfs(2) on the file system holding the directory `directory`: everything written
    /// to it before the call is on disk when it returns.
    public static func syncFileSystem(containing directory: String) throws(FileError) {
        let fd = try FileDescriptor.open(directory, .readOnly, options: [.directory])
        defer { try? fd.close() }
        try fd.syncFileSystem()
    }
}
