import CSyscalls
#if canImport(Glibc)
import Glibc
#endif

/// Calls on paths (rename, unlink, stat, statvfs, statfs, mkdir, chmod, readdir), each failing with a typed
/// `FileError` where a failure matters.
public enum FileSystem {
    /// Renames `from` to `to` and makes the rename durable by syncing the directory.
    public static func renameDurably(_ from: String, to: String) throws(FileError) {
        try rename(from, to: to)
        syncDirectory(of: to)
    }

    /// rename(2), not synced.
    public static func rename(_ from: String, to: String) throws(FileError) {
        guard Glibc.rename(from, to) == 0 else {
            throw FileError(operation: "rename \(from) to", path: to, errno: .current)
        }
    }

    /// The folder holding `path`: what is before its last slash ("/" for "/x", "." for "x").
    public static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// fsyncs the directory holding `path` (best effort: some file systems refuse).
    public static func syncDirectory(of path: String) {
        let fd = open(folder(of: path), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 { _ = fsync(fd); _ = Glibc.close(fd) }
    }

    public static func remove(_ path: String) { _ = unlink(path) }

    /// The names in the folder `path` (not "." or ".."), sorted; nil when it cannot be
    /// read (errno says why).
    public static func names(in path: String) -> [String]? {
        guard let handle = opendir(path) else { return nil }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { ptr in
                ptr.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// Size in bytes of the file at `path`, or nil when it cannot be stat'ed.
    public static func size(of path: String) -> Int? {
        try? FileStatus.of(path).get().size
    }

    /// Whether the file system holding `path` keeps its files in memory (tmpfs, ramfs:
    /// statfs's f_type), nil when it cannot be asked.
    public static func isMemoryBacked(_ path: String) -> Bool? {
        var st = statfs()
        guard statfs(path, &st) == 0 else { return nil }
        return [0x0102_1994, 0x8584_58f6].contains(Int(st.f_type))   // TMPFS_MAGIC, RAMFS_MAGIC
    }

    /// Bytes an unprivileged writer may still use on the file system holding `path`
    /// (statvfs: `f_bavail * f_frsize`), or nil when it cannot be asked.
    public static func availableBytes(at path: String) -> UInt64? {
        var st = statvfs()
        guard statvfs(path, &st) == 0 else { return nil }
        return UInt64(st.f_bavail) * UInt64(st.f_frsize)
    }
}
