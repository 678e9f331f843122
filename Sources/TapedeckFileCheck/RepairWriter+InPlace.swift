#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension RepairWriter {
    /// Applies a plan that keeps a prefix of the original (see
    /// `RepairPlan.isPrefixOfOriginal`) to the file itself: the patches
    /// inside the current file are written first (over existing blocks, so
    /// no free space is needed), then the file is cut to its new size, then
    /// any bytes past the old end are written, then it is fsynced.
    ///
    /// Returns false, having written nothing, when the file cannot be opened
    /// for writing or is no longer the file that was inspected (the caller
    /// then writes a copy). Throws when a write fails part-way; the file is
    /// then still repairable (its header or tag may describe the old or the
    /// new length).
    static func applyInPlace(_ plan: RepairPlan, to source: RandomAccessFile) throws -> Bool {
        precondition(plan.isPrefixOfOriginal)
        let fd = open(source.path, O_WRONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var mine = stat(), inspected = stat()
        guard fstat(fd, &mine) == 0, fstat(source.fd, &inspected) == 0,
              (mine.st_mode & S_IFMT) == S_IFREG,
              mine.st_dev == inspected.st_dev, mine.st_ino == inspected.st_ino,
              Int(mine.st_size) == source.size else { return false }
        let oldSize = source.size
        let newSize = plan.outputSize
        for patch in plan.patches where patch.outputOffset < oldSize {
            let inside = min(patch.bytes.count, oldSize - patch.outputOffset)
            try writeAll(fd, Array(patch.bytes[0..<inside]), at: patch.outputOffset, path: source.path)
        }
        if newSize != oldSize, ftruncate(fd, off_t(newSize)) != 0 {
            throw RepairError(path: source.path, message: "cannot truncate to \(newSize) bytes: \(String(cString: strerror(errno)))")
        }
        for patch in plan.patches where patch.outputOffset + patch.bytes.count > oldSize {
            let from = max(0, oldSize - patch.outputOffset)
            try writeAll(fd, Array(patch.bytes[from...]), at: patch.outputOffset + from, path: source.path)
        }
        guard fsync(fd) == 0 else {
            throw RepairError(path: source.path, message: "fsync failed: \(String(cString: strerror(errno)))")
        }
        return true
    }
}
