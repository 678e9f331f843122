import TapedeckSystem
#if canImport(Glibc)
import Glibc
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
        guard let fd = try? FileDescriptor.open(source.path, .writeOnly,
                                                options: [.nonBlocking, FileDescriptor.OpenOptions(rawValue: O_NOCTTY)])
        else { return false }
        defer { try? fd.close() }
        guard let mine = try? fd.status(), let inspected = source.currentStatus,
              mine.isRegularFile,
              mine.device == inspected.device, mine.inode == inspected.inode,
              mine.size == source.size else { return false }
        let oldSize = source.size
        let newSize = plan.outputSize
        for patch in plan.patches where patch.outputOffset < oldSize {
            let inside = min(patch.bytes.count, oldSize - patch.outputOffset)
            try writeAll(fd, Array(patch.bytes[0..<inside]), at: patch.outputOffset, path: source.path)
        }
        if newSize != oldSize {
            do throws(FileError) { try fd.truncate(to: newSize) } catch {
                throw RepairError(path: source.path, message: "cannot truncate to \(newSize) bytes: \(error.errno)")
            }
        }
        for patch in plan.patches where patch.outputOffset + patch.bytes.count > oldSize {
            let from = max(0, oldSize - patch.outputOffset)
            try writeAll(fd, Array(patch.bytes[from...]), at: patch.outputOffset + from, path: source.path)
        }
        try sync(fd)
        return true
    }
}
