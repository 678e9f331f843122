#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension TapedeckConfiguration {
    /// The largest configuration file read.
    public static let maximumFileBytes = 1 << 20

    /// Reads a regular file (a symbolic link to one is followed). Anything else is refused
    /// before it is read: a FIFO would block the open until a writer came, a device could
    /// never end.
    static func readFile(_ path: String) throws(ConfigError) -> [UInt8] {
        func fail(_ code: Int32) -> ConfigError {
            ConfigError(source: path, key: nil, problem: "cannot read: " + String(cString: strerror(code)))
        }
        func refuse(_ mode: mode_t) throws(ConfigError) {
            let kind = mode & S_IFMT
            if kind == S_IFREG { return }
            if kind == S_IFDIR { throw fail(EISDIR) }
            throw ConfigError(source: path, key: nil, problem: "cannot read: not a regular file (\(fileKind(kind)))")
        }
        var st = stat()
        if stat(path, &st) != 0 { throw fail(errno) }
        try refuse(st.st_mode)
        // Non-blocking, so that a FIFO put there meanwhile cannot hang the open.
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        if fd < 0 { throw fail(errno) }
        defer { close(fd) }
        if fstat(fd, &st) != 0 { throw fail(errno) }
        try refuse(st.st_mode)
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw fail(errno)
            }
            if n == 0 { break }
            bytes += chunk[0..<n]
            if bytes.count > maximumFileBytes {
                throw ConfigError(source: path, key: nil, problem: "larger than \(maximumFileBytes) bytes: not a configuration file")
            }
        }
        return bytes
    }

    /// A file type in words, for an error line.
    static func fileKind(_ kind: mode_t) -> String {
        switch kind {
        case S_IFIFO: "a FIFO"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        case S_IFDIR: "a directory"
        default: "not a file"
        }
    }
}
