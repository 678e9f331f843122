import TapedeckSystem
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Errors from the file layer, worded for operators.
public struct FileCheckIOError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let operation: String
    public let errnoCode: Int32

    public var description: String {
        "\(operation) \(path): \(Errno(errnoCode))"
    }

    init(path: String, operation: String, errnoCode: Int32) {
        self.path = path
        self.operation = operation
        self.errnoCode = errnoCode
    }

    init(_ error: FileError, operation: String) {
        self.init(path: error.path, operation: operation, errnoCode: error.errno.rawValue)
    }
}

/// A read-only file descriptor read with `pread` in bounded pieces. Nothing
/// here ever loads a whole file.
final class RandomAccessFile {
    let path: String
    /// The open file; nil for a view of a planned repair.
    let file: FileDescriptor?
    /// Size at open time; all bounds are checked against it.
    let size: Int
    /// Set for a view of a planned repair: reads go through the plan.
    private let planned: (source: RandomAccessFile, plan: RepairPlan)?

    /// The file `plan` would make from `source`, read without writing it.
    init(viewOf plan: RepairPlan, over source: RandomAccessFile) {
        path = source.path
        file = nil
        size = plan.outputSize
        planned = (source, plan)
    }

    init(path: String) throws {
        self.path = path
        // Only regular files are read. The type is checked before opening
        // (opening a FIFO for reading blocks until a writer appears) and
        // again on the descriptor, opened non-blocking so that a FIFO put
        // in the file's place in between cannot block either.
        var st: FileStatus
        switch FileStatus.of(path) {
        case .success(let s): st = s
        case .failure(let e): throw FileCheckIOError(path: path, operation: "cannot stat", errnoCode: e.rawValue)
        }
        if st.isDirectory {
            throw FileCheckIOError(path: path, operation: "cannot read", errnoCode: EISDIR)
        }
        if let kind = NotRegularFileError.kind(st.mode) { throw NotRegularFileError(path: path, kind: kind) }
        let file: FileDescriptor
        do throws(FileError) {
            file = try FileDescriptor.open(path, .readOnly, options: [.nonBlocking, FileDescriptor.OpenOptions(rawValue: O_NOCTTY)])
        } catch {
            throw FileCheckIOError(error, operation: "cannot open")
        }
        do throws(FileError) {
            st = try file.status()
        } catch {
            try? file.close()
            throw FileCheckIOError(error, operation: "cannot stat")
        }
        if let kind = NotRegularFileError.kind(st.mode) {
            try? file.close()
            throw NotRegularFileError(path: path, kind: kind)
        }
        if st.isDirectory {
            try? file.close()
            throw FileCheckIOError(path: path, operation: "cannot read", errnoCode: EISDIR)
        }
        self.file = file
        self.size = st.size
        self.planned = nil
    }

    deinit { try? file?.close() }

    /// What fstat says of the open file now (nil for a view of a plan, or when it fails).
    var currentStatus: FileStatus? { try? file?.status() }

    /// Reads up to `count` bytes at `offset`; fewer at the end of the file,
    /// none when `offset` is outside the file.
    func read(at offset: Int, count: Int) throws -> [UInt8] {
        guard offset >= 0, count > 0, offset < size else { return [] }
        let n = min(count, size - offset)
        if let planned { return try planned.plan.read(from: planned.source, at: offset, count: n) }
        guard let file else { return [] }
        var buffer = [UInt8](repeating: 0, count: n)
        var done = 0
        try buffer.withUnsafeMutableBytes { raw in
            while done < n {
                let r: Int
                do throws(FileError) {
                    r = try file.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[done...]), at: offset + done)
                } catch {
                    throw FileCheckIOError(error, operation: "cannot read")
                }
                if r == 0 { break }
                done += r
            }
        }
        if done < n { buffer.removeLast(n - done) }
        return buffer
    }
}

/// A fixed-size window over a `RandomAccessFile`, for walking a stream
/// front to back: requests inside the window cost nothing, others move it.
final class WindowedReader {
    let file: RandomAccessFile
    let windowSize: Int
    private var windowStart = 0
    private var window: [UInt8] = []

    init(file: RandomAccessFile, windowSize: Int = 64 * 1024) {
        self.file = file
        self.windowSize = windowSize
    }

    var size: Int { file.size }

    /// Up to `count` (≤ window size) bytes at `offset`; fewer at end of file.
    func bytes(at offset: Int, count: Int) throws -> ArraySlice<UInt8> {
        guard offset >= 0, count > 0, offset < file.size else { return [] }
        let count = min(count, windowSize)
        let wanted = min(count, file.size - offset)
        if offset < windowStart || offset + wanted > windowStart + window.count {
            window = try file.read(at: offset, count: windowSize)
            windowStart = offset
        }
        let lo = offset - windowStart
        let hi = min(lo + wanted, window.count)
        return window[lo..<hi]
    }

    /// The byte at `offset`, or nil past the end of the file.
    func byte(at offset: Int) throws -> UInt8? {
        let b = try bytes(at: offset, count: 1)
        return b.first
    }
}
