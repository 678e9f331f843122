#if canImport(Glibc)
import Glibc
#endif

/// A new file mapped into memory with `MAP_SHARED`: what is stored through `base` is the
/// file's page cache (on tmpfs, plain RAM), which outlives the process, so a kill -9 does
/// not lose it and the next process reads it back from the file. No `msync`: it is not
/// meant to survive a reboot.
public final class SharedMapping: @unchecked Sendable {
    /// The mapped file (removed by `remove`).
    public let path: String
    public let count: Int
    /// The first byte; the file's initial contents are zeros.
    public let base: UnsafeMutableRawPointer

    private init(path: String, count: Int, base: UnsafeMutableRawPointer) {
        self.path = path
        self.count = count
        self.base = base
    }

    /// Creates `<folder>/<prefix>XXXXXX` (a unique name, mode 0600) of `count` zero bytes
    /// and maps it for reading and writing. The descriptor is closed: the mapping keeps the
    /// file's pages.
    public static func create(in folder: String, prefix: String, count: Int) throws(FileError) -> SharedMapping {
        let fd = try FileDescriptor.createTemporary(in: folder, prefix: prefix)
        defer { try? fd.close() }
        do throws(FileError) {
            try fd.truncate(to: count)
        } catch {
            FileSystem.remove(fd.path)
            throw error
        }
        guard let p = mmap(nil, count, PROT_READ | PROT_WRITE, MAP_SHARED, fd.raw, 0),
              p != UnsafeMutableRawPointer(bitPattern: -1) else {
            let error = FileError(operation: "map", path: fd.path, errno: .current)
            FileSystem.remove(fd.path)
            throw error
        }
        return SharedMapping(path: fd.path, count: count, base: p)
    }

    deinit { munmap(base, count) }

    /// Unlinks the file; the mapping stays valid until this object goes.
    public func remove() { FileSystem.remove(path) }
}
