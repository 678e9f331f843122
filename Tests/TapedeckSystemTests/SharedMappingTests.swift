import Foundation
import Testing
import TapedeckTestSupport
import TapedeckSystem

@Suite struct SharedMappingTests {
    /// What is stored through the mapping is the file's contents at once (no write call),
    /// and stays in the file after the mapping goes; `remove` unlinks it.
    @Test func storesAreTheFilesContents() throws {
        let dir = try TestDirectory()
        var path = ""
        do {
            let map = try SharedMapping.create(in: dir.path, prefix: "m-", count: 8192)
            path = map.path
            #expect(path.hasPrefix(dir.path + "/m-") && FileSystem.size(of: path) == 8192)
            #expect((0..<8192).allSatisfy { map.base.load(fromByteOffset: $0, as: UInt8.self) == 0 })
            map.base.storeBytes(of: 0x1122_3344_5566_7788 as UInt64, toByteOffset: 4096, as: UInt64.self)
            let read = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            #expect(Array(read[4096..<4104]) == [0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11])
        }
        // Unmapped: the file keeps what was stored.
        #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))[4096] == 0x88)
        let again = try SharedMapping.create(in: dir.path, prefix: "m-", count: 4096)
        #expect(again.path != path)
        again.remove()
        #expect(FileSystem.size(of: again.path) == nil)
        #expect(throws: FileError.self) { try SharedMapping.create(in: dir.path + "/missing", prefix: "m-", count: 4096) }
    }

    @Test func aFoldersNamesSortedAndWhetherItIsInMemory() throws {
        let dir = try TestDirectory()
        for name in ["b", "a", ".c"] { FileManager.default.createFile(atPath: dir.file(name), contents: nil) }
        #expect(FileSystem.names(in: dir.path) == [".c", "a", "alsa", "b"])
        #expect(FileSystem.names(in: dir.file("none")) == nil)
        #expect(FileSystem.isMemoryBacked("/dev/shm") == true)
        #expect(FileSystem.isMemoryBacked("/proc") == false)
        #expect(FileSystem.isMemoryBacked(dir.file("none")) == nil)
    }
}
