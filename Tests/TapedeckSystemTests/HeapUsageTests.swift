import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import TapedeckSystem

@Suite struct HeapUsageTests {
    @Test func countsAnAllocationUntilItIsFreed() throws {
        // 256 MiB, above glibc's mmap threshold: mmapped and counted whole (never touched,
        // so never resident). Other tests in this process allocate and free meanwhile:
        // a slack of 32 MiB, and a few tries for a quiet moment.
        let size: UInt64 = 256 << 20, slack: UInt64 = 32 << 20
        var counted = false
        for _ in 0..<5 where !counted {
            let before = HeapUsage.bytesInUse()
            let block = try #require(malloc(Int(size)))
            let held = HeapUsage.bytesInUse()
            free(block)
            let after = HeapUsage.bytesInUse()
            counted = held + slack >= before + size && held + slack >= after + size
        }
        #expect(counted)
    }
}
