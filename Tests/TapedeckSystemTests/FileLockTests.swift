import Foundation
import Testing
import TapedeckTestSupport
import TapedeckSystem

@Suite struct FileLockTests {
    @Test func twoDescriptorsOfOneFileConflictUntilTheHolderUnlocks() throws {
        let dir = try TestDirectory()
        let path = dir.file("x.lock")
        let first = try FileDescriptor.create(path)
        let second = try FileDescriptor.open(path, .readOnly)
        #expect(try first.tryLockExclusive())
        #expect(try second.tryLockExclusive() == false)   // even in one process: flock is per open file
        #expect(try first.tryLockExclusive())              // the holder may take it again
        try first.unlock()
        #expect(try second.tryLockExclusive())
        #expect(try first.tryLockExclusive() == false)
        try second.close()                                 // closing drops the lock
        #expect(try first.tryLockExclusive())
        try first.close()
    }

    @Test func lockingAClosedDescriptorNamesTheFile() throws {
        let dir = try TestDirectory()
        let file = try FileDescriptor.create(dir.file("y.lock"))
        try file.close()
        #expect(throws: FileError(operation: "lock", path: dir.file("y.lock"), errno: Errno(EBADF))) {
            try file.tryLockExclusive()
        }
    }
}
