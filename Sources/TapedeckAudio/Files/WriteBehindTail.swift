import Synchronization
import TapedeckSystem
#if canImport(Glibc)
import Glibc
#endif

/// Encoded audio of one file not written to it yet, held in a shared mapping of a file in
/// the write-behind folder (tmpfs: RAM that outlives the process) and written to the file
/// in one `pwrite` when asked (`flush`: at each checkpoint, about once a second) or when
/// it is full. A kill -9 does not lose what it holds: the next start writes every tail
/// into its file (`recover`) before the files are repaired. A power cut does.
///
/// The tail file: a 4 KiB head, then the bytes held.
///
///     0   "TDWB0001"
///     8   UInt64  the file offset of the first byte held
///     16  UInt64  the bytes held
///     24  UInt64  the length of the path
///     32  the path of the file written (UTF-8, at most 4,064 bytes)
///
/// in the machine's byte order: a tail is read back only on the machine that wrote it.
/// The magic is stored last, so a head cut short by a kill is not taken for a tail.
///
/// What a kill at any instruction leaves is consistent, because the process's own stores
/// are all that matter (no other thread reads the mapping) and fences keep the compiler
/// from reordering them:
/// (1) `append` copies the bytes, then raises the count: the count never covers bytes not
///     copied yet.
/// (2) `flush` writes the bytes, then zeroes the count, then moves the offset: a kill
///     between the write and the count leaves bytes that are already in the file, which
///     `recover` writes again at the same offset (the same bytes: no change); a kill after
///     it leaves nothing to write.
public final class WriteBehindTail {
    public static let headBytes = 4096
    static let magic = Array("TDWB0001".utf8)
    /// The tails' file names begin with this.
    public static let filePrefix = "tail-"
    static let offsetField = 8, countField = 16, pathLengthField = 24, pathField = 32

    /// The bytes it holds at most before it writes them out.
    public let capacity: Int
    private let map: SharedMapping
    /// Where the next flush writes (the head's offset field).
    private var offset: Int
    /// Bytes held (the head's count field).
    private var held = 0

    /// A tail for the file `path` whose next byte goes at `offset`, holding up to
    /// `capacity` bytes, in a new file in `folder`.
    public init(folder: String, path: String, offset: Int, capacity: Int) throws(FileError) {
        let name = Array(path.utf8)
        guard name.count <= Self.headBytes - Self.pathField else {
            throw FileError(operation: "hold the write-behind tail of", path: path, errno: Errno(ENAMETOOLONG))
        }
        self.capacity = capacity
        self.offset = offset
        map = try SharedMapping.create(in: folder, prefix: Self.filePrefix, count: Self.headBytes + capacity)
        store(offset, at: Self.offsetField)
        store(name.count, at: Self.pathLengthField)
        name.withUnsafeBytes { (map.base + Self.pathField).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        atomicMemoryFence(ordering: .releasing)
        Self.magic.withUnsafeBytes { map.base.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
    }

    deinit { map.remove() }

    /// The tail's own file (in the write-behind folder).
    public var tailPath: String { map.path }

    /// Bytes held, not yet in the file.
    public var pending: Int { held }

    private func store(_ value: Int, at field: Int) {
        map.base.storeBytes(of: UInt64(value), toByteOffset: field, as: UInt64.self)
    }

    /// Takes `count` bytes that follow everything before them in `fd`'s file: held, or
    /// (when they would not fit) written after what was held.
    public func append(_ bytes: UnsafeRawPointer, count: Int, to fd: FileDescriptor) throws(FileError) {
        guard count > 0 else { return }
        if held + count > capacity { try flush(to: fd) }
        if count > capacity {
            // Larger than the whole tail: straight to the file (nothing is held now).
            try fd.write(bytes, count: count, at: offset)
            offset += count
            store(offset, at: Self.offsetField)
            return
        }
        (map.base + Self.headBytes + held).copyMemory(from: bytes, byteCount: count)
        atomicMemoryFence(ordering: .releasing)   // (1)
        held += count
        store(held, at: Self.countField)
    }

    /// Writes what it holds to `fd`'s file at its place, in one call.
    public func flush(to fd: FileDescriptor) throws(FileError) {
        guard held > 0 else { return }
        try fd.write(UnsafeRawPointer(map.base + Self.headBytes), count: held, at: offset)
        atomicMemoryFence(ordering: .releasing)   // (2)
        store(0, at: Self.countField)
        atomicMemoryFence(ordering: .releasing)
        offset += held
        held = 0
        store(offset, at: Self.offsetField)
    }

    // MARK: Recovery

    /// What `recover` did with one tail.
    public struct Recovered: Sendable, Equatable {
        /// The tail's own file.
        public let tail: String
        /// The file it belonged to ("" when its head could not be read).
        public let path: String
        /// Bytes written into the file.
        public let bytes: Int
        /// Why nothing was written, when the tail held bytes and they could not be.
        public let problem: String?
    }

    /// Writes the bytes every tail in `folder` holds into its file, then removes the tail.
    /// For the start, before the files left by a crash are repaired and while no writer
    /// runs. A tail whose file is gone (finished and renamed) or that holds nothing is
    /// just removed; one whose file is shorter than its offset (cut by someone else) is
    /// not written, as a hole would be, and is reported.
    public static func recover(folder: String) -> [Recovered] {
        var done: [Recovered] = []
        for name in FileSystem.names(in: folder) ?? [] where name.hasPrefix(filePrefix) {
            let tail = folder + "/" + name
            done.append(recoverOne(tail))
            FileSystem.remove(tail)
        }
        return done
    }

    private static func recoverOne(_ tail: String) -> Recovered {
        func nothing(_ path: String = "", _ problem: String? = nil) -> Recovered {
            Recovered(tail: tail, path: path, bytes: 0, problem: problem)
        }
        let fd = try? FileDescriptor.open(tail, .readOnly)
        defer { try? fd?.close() }
        guard let contents = try? fd?.readToEnd(), contents.count >= headBytes,
              Array(contents[0..<magic.count]) == magic else {
            return nothing()   // never initialised (killed while creating it): nothing held
        }
        func field(_ at: Int) -> Int {
            Int(truncatingIfNeeded: contents.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: at, as: UInt64.self) })
        }
        let offset = field(offsetField), count = field(countField), pathLength = field(pathLengthField)
        guard pathLength >= 0 && pathLength <= headBytes - pathField else { return nothing("", "unreadable head") }
        let path = String(decoding: contents[pathField..<pathField + pathLength], as: UTF8.self)
        guard count > 0 else { return nothing(path) }
        guard offset >= 0, count <= contents.count - headBytes else { return nothing(path, "unreadable head") }
        guard let size = FileSystem.size(of: path) else { return nothing(path) }   // finished, or removed
        guard size >= offset else {
            return nothing(path, "the file has \(size) bytes, the tail's begin at \(offset): not written")
        }
        do throws(FileError) {
            let fd = try FileDescriptor.open(path, .writeOnly)
            defer { try? fd.close() }
            try fd.write(Array(contents[headBytes..<headBytes + count]), at: offset)
            return Recovered(tail: tail, path: path, bytes: count, problem: nil)
        } catch {
            return nothing(path, "\(error)")
        }
    }
}
