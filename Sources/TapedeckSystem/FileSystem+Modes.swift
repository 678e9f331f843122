#if canImport(Glibc)
import Glibc
#endif

/// Folders, file types and permission bits, each failing with a typed `FileError`.
extension FileSystem {
    /// What a path names (symbolic links followed).
    public enum Kind: Equatable, Sendable {
        case missing
        case directory
        case regularFile
        /// Anything else, in words ("a FIFO", "a socket", …).
        case other(String)
        /// stat failed for another reason than a missing path.
        case unreadable(Errno)
    }

    public static func kind(of path: String) -> Kind {
        var st = stat()
        guard stat(path, &st) == 0 else {
            return errno == ENOENT ? .missing : .unreadable(.current)
        }
        switch st.st_mode & S_IFMT {
        case S_IFDIR: return .directory
        case S_IFREG: return .regularFile
        case S_IFIFO: return .other("a FIFO")
        case S_IFSOCK: return .other("a socket")
        case S_IFCHR: return .other("a character device")
        case S_IFBLK: return .other("a block device")
        default: return .other("not a file or folder")
        }
    }

    /// The permission bits of `path` (symbolic links followed), or nil when it cannot be stat'ed.
    public static func mode(of path: String) -> mode_t? {
        var st = stat()
        return stat(path, &st) == 0 ? st.st_mode & 0o7777 : nil
    }

    /// Sets the permission bits of `path` (chmod: the umask plays no part).
    public static func setMode(_ path: String, _ mode: mode_t) throws(FileError) {
        guard chmod(path, mode) == 0 else {
            throw FileError(operation: "set mode \(octal(mode)) of", path: path, errno: .current)
        }
    }

    /// Creates the folder `path` with permission bits `mode` exactly, and any missing
    /// parents (0755 less the umask, as `mkdir -p` does). A folder that appears meanwhile
    /// (another process made it) is not an error.
    public static func createDirectory(_ path: String, mode: mode_t) throws(FileError) {
        try createDirectory(path, mode: mode, exact: true)
    }

    private static func createDirectory(_ path: String, mode: mode_t, exact: Bool) throws(FileError) {
        var trimmed = path
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed.removeLast() }
        if let slash = trimmed.lastIndex(of: "/"), slash != trimmed.startIndex {
            let parent = String(trimmed[..<slash])
            if kind(of: parent) == .missing { try createDirectory(parent, mode: 0o755, exact: false) }
        }
        if mkdir(path, mode) != 0 {
            let e = Errno.current
            guard e.rawValue == EEXIST, kind(of: path) == .directory else {
                throw FileError(operation: "create folder", path: path, errno: e)
            }
            return
        }
        if exact { try setMode(path, mode) }
    }

    /// `path` with its folder's real path (symbolic links and `..` resolved), and the last
    /// component resolved too when it is a symbolic link to something that exists: two
    /// spellings of one file give one answer. Left as given when the folder does not exist.
    public static func resolved(_ path: String) -> String {
        if let real = realPath(path) { return real }
        guard let slash = path.lastIndex(of: "/") else { return path }
        let folder = slash == path.startIndex ? "/" : String(path[..<slash])
        guard let real = realPath(folder) else { return path }
        return (real == "/" ? "" : real) + "/" + path[path.index(after: slash)...]
    }

    private static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }

    /// Permission bits as four octal digits: `0640`.
    public static func octal(_ mode: mode_t) -> String {
        let digits = String(mode, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
