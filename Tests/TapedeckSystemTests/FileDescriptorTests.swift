import Foundation
import Testing
import TapedeckTestSupport
import TapedeckSystem

@Suite struct FileDescriptorTests {
    @Test func aFailedOpenCarriesItsErrnoAndPath() throws {
        let dir = try TestDirectory()
        let path = dir.file("missing/x.wav")
        #expect(throws: FileError(operation: "open", path: path, errno: .noEntry)) {
            try FileDescriptor.open(path, .readOnly)
        }
        do {
            _ = try FileDescriptor.open(path, .readOnly)
        } catch {
            #expect(error.errno.rawValue == ENOENT)
            #expect(error.path == path)
            #expect("\(error)" == "cannot open \(path): No such file or directory")
        }
        #expect(throws: FileError(operation: "create", path: path, errno: .noEntry)) {
            try FileDescriptor.create(path, mode: 0o640)
        }
    }

    /// From the file position to the end, across more than one 64 KiB read.
    @Test func readToEndReadsEverythingFromThePosition() throws {
        let dir = try TestDirectory()
        let bytes = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 * 31) }
        FileManager.default.createFile(atPath: dir.file("f"), contents: Data(bytes))
        let file = try FileDescriptor.open(dir.file("f"), .readOnly)
        defer { try? file.close() }
        var ten = [UInt8](repeating: 0, count: 10)
        #expect(try ten.withUnsafeMutableBytes { try file.read(into: $0) } == 10)
        #expect(try file.readToEnd() == Array(bytes[10...]))
        #expect(try file.readToEnd() == [])
    }

    @Test func createSetsTheModeWhateverTheUmask() throws {
        let dir = try TestDirectory()
        let path = dir.file("a")
        let old = umask(0o077)
        defer { umask(old) }
        let file = try FileDescriptor.create(path, mode: 0o644)
        #expect(file.path == path)
        #expect(try file.status().permissions == 0o644)
        #expect(try file.status().isRegularFile)
        try file.close()
    }

    @Test func writesAtTheEndAndAtAnOffsetReadBack() throws {
        let dir = try TestDirectory()
        let path = dir.file("b")
        let file = try FileDescriptor.create(path)
        try file.write(Array("hello world".utf8))
        try file.write(Array("W".utf8), at: 6)
        try file.sync()
        try file.syncData()
        try file.syncFileSystem()
        try file.close()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "hello World")
        let reader = try FileDescriptor.open(path, .readOnly)
        var bytes = [UInt8](repeating: 0, count: 5)
        let n = try bytes.withUnsafeMutableBytes { try reader.read(into: $0, at: 6) }
        #expect(n == 5)
        #expect(String(decoding: bytes, as: UTF8.self) == "World")
        #expect(try bytes.withUnsafeMutableBytes { try reader.read(into: $0, at: 11) } == 0)
        #expect(try reader.status().size == 11)
        try reader.close()
    }

    @Test func truncateAndATemporaryFile() throws {
        let dir = try TestDirectory()
        let temp = try FileDescriptor.createTemporary(in: dir.path, prefix: ".x.repair-")
        #expect(temp.path.hasPrefix(dir.path + "/.x.repair-"))
        #expect(temp.path.count == (dir.path + "/.x.repair-XXXXXX").count)
        try temp.write(Array(repeating: 7, count: 100), at: 0)
        try temp.truncate(to: 10)
        #expect(FileSystem.size(of: temp.path) == 10)
        try temp.close()
        #expect(throws: FileError(operation: "create a temporary file in", path: dir.file("none"), errno: .noEntry)) {
            try FileDescriptor.createTemporary(in: dir.file("none"), prefix: "x")
        }
    }

    @Test func aClosedDescriptorFailsWithEBADF() throws {
        let dir = try TestDirectory()
        let file = try FileDescriptor.create(dir.file("c"))
        try file.close()
        #expect(throws: FileError(operation: "fsync", path: dir.file("c"), errno: Errno(EBADF))) { try file.sync() }
        #expect(throws: FileError(operation: "write", path: dir.file("c"), errno: Errno(EBADF))) {
            try file.write(Array("x".utf8))
        }
    }

    @Test func statusOfPathsAndFreeSpace() throws {
        let dir = try TestDirectory()
        #expect(FileStatus.of(dir.file("none")) == .failure(.noEntry))
        #expect(try FileStatus.of(dir.path).get().isDirectory)
        #expect(FileSystem.folder(of: "/x") == "/")
        #expect(FileSystem.folder(of: "x") == ".")
        #expect(FileSystem.folder(of: "a/b/c") == "a/b")
        let free = try #require(FileSystem.availableBytes(at: dir.path))
        #expect(free > 0)
        #expect(FileSystem.availableBytes(at: dir.file("none")) == nil)
    }
}
