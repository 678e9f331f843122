import Foundation
import Testing
import TapedeckSystem
import TapedeckTestSupport
@testable import TapedeckAudio

/// A file of `count` bytes, byte i being `i * 7 + seed` (mod 256).
private func pattern(_ count: Int, seed: Int) -> [UInt8] { (0..<count).map { UInt8(truncatingIfNeeded: $0 * 7 + seed) } }

private func contents(_ path: String) -> [UInt8] { [UInt8]((try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data()) }

private func tails(in folder: String) -> [String] {
    (FileSystem.names(in: folder) ?? []).filter { $0.hasPrefix(WriteBehindTail.filePrefix) }
}

/// The tail's file as a kill -9 would leave it: the live tail removes its own file when it
/// goes, so a copy under another tail name stands for what a killed process leaves.
private func snapshot(_ tail: WriteBehindTail, in folder: String, as name: String) throws {
    try FileManager.default.copyItem(atPath: tail.tailPath, toPath: folder + "/" + WriteBehindTail.filePrefix + name)
}

@Suite struct WriteBehindTailTests {
    /// A tail in `dir/wb` for `dir/out.part`, which holds a 10-byte "header" already.
    private func setUp(capacity: Int = 4096) throws -> (TestDirectory, String, String, FileDescriptor, WriteBehindTail) {
        let dir = try TestDirectory()
        let folder = dir.file("wb"), path = dir.file("out.part")
        try FileSystem.createDirectory(folder, mode: 0o700)
        let fd = try FileDescriptor.open(path, .readWrite, options: [.create])
        try fd.write(pattern(10, seed: 1))
        let tail = try WriteBehindTail(folder: folder, path: path, offset: 10, capacity: capacity)
        return (dir, folder, path, fd, tail)
    }

    @Test func holdsBytesUntilFlushedThenWritesThemInPlace() throws {
        let (dir, folder, path, fd, tail) = try setUp()
        defer { try? fd.close(); _ = dir }
        let a = pattern(100, seed: 3), b = pattern(200, seed: 5)
        try a.withUnsafeBytes { try tail.append($0.baseAddress!, count: 100, to: fd) }
        try b.withUnsafeBytes { try tail.append($0.baseAddress!, count: 200, to: fd) }
        #expect(contents(path) == pattern(10, seed: 1))          // nothing written yet
        #expect(tail.pending == 300 && tails(in: folder).count == 1)
        try tail.flush(to: fd)
        #expect(contents(path) == pattern(10, seed: 1) + a + b)
        #expect(tail.pending == 0)
        try a.withUnsafeBytes { try tail.append($0.baseAddress!, count: 50, to: fd) }
        try tail.flush(to: fd)
        #expect(contents(path) == pattern(10, seed: 1) + a + b + Array(a[0..<50]))
    }

    @Test func whatDoesNotFitFlushesFirstAndWhatIsLargerGoesStraightToTheFile() throws {
        let (dir, _, path, fd, tail) = try setUp(capacity: 4096)
        defer { try? fd.close(); _ = dir }
        let a = pattern(3000, seed: 2), b = pattern(2000, seed: 4), c = pattern(10_000, seed: 6)
        try a.withUnsafeBytes { try tail.append($0.baseAddress!, count: a.count, to: fd) }
        try b.withUnsafeBytes { try tail.append($0.baseAddress!, count: b.count, to: fd) }
        #expect(contents(path) == pattern(10, seed: 1) + a && tail.pending == 2000)
        try c.withUnsafeBytes { try tail.append($0.baseAddress!, count: c.count, to: fd) }
        #expect(contents(path) == pattern(10, seed: 1) + a + b + c && tail.pending == 0)
    }

    @Test func recoveryWritesWhatAKilledWriterHeldAndRemovesTheTail() throws {
        let (dir, folder, path, fd, tail) = try setUp()
        defer { _ = dir }
        let a = pattern(700, seed: 9)
        try a.withUnsafeBytes { try tail.append($0.baseAddress!, count: a.count, to: fd) }
        try snapshot(tail, in: folder, as: "killed")
        try fd.close()
        let done = WriteBehindTail.recover(folder: folder)
        let killed = try #require(done.first { $0.tail.hasSuffix("killed") })
        #expect(killed.path == path && killed.bytes == 700 && killed.problem == nil)
        #expect(contents(path) == pattern(10, seed: 1) + a)
        #expect(tails(in: folder).isEmpty)   // the live tail's file too: recovery runs when no writer does
    }

    /// Killed after the flush's write, before it zeroed the count: recovery writes the same
    /// bytes at the same place again, and the file is unchanged.
    @Test func recoveryAfterAKillInsideAFlushChangesNothing() throws {
        let (dir, folder, path, fd, tail) = try setUp()
        defer { _ = dir }
        let a = pattern(500, seed: 11), b = pattern(40, seed: 13)
        try a.withUnsafeBytes { try tail.append($0.baseAddress!, count: a.count, to: fd) }
        try snapshot(tail, in: folder, as: "mid-flush")
        try tail.flush(to: fd)
        try b.withUnsafeBytes { try fd.write($0.baseAddress!, count: b.count, at: 510) }   // the file moved on
        try fd.close()
        let before = contents(path)
        #expect(WriteBehindTail.recover(folder: folder).contains { $0.bytes == 500 && $0.problem == nil })
        #expect(contents(path) == before && before == pattern(10, seed: 1) + a + b)
    }

    @Test func aTailWhoseFileIsGoneOrCutOrThatWasNeverWrittenIsRemoved() throws {
        let (dir, folder, path, fd, tail) = try setUp()
        defer { _ = dir }
        let a = pattern(300, seed: 7)
        try a.withUnsafeBytes { try tail.append($0.baseAddress!, count: a.count, to: fd) }
        try snapshot(tail, in: folder, as: "a")
        // A head without its magic: killed while the tail was being made.
        _ = FileManager.default.createFile(atPath: folder + "/" + WriteBehindTail.filePrefix + "b",
                                       contents: Data(count: WriteBehindTail.headBytes + 64))
        try fd.truncate(to: 4)                   // cut below the tail's offset (10)
        try fd.close()
        var done = WriteBehindTail.recover(folder: folder)
        #expect(done.first { $0.tail.hasSuffix("-a") }?.problem == "the file has 4 bytes, the tail's begin at 10: not written")
        #expect(done.first { $0.tail.hasSuffix("-b") } == .init(tail: folder + "/tail-b", path: "", bytes: 0, problem: nil))
        #expect(contents(path) == pattern(4, seed: 1) && tails(in: folder).isEmpty)
        // The file finished and renamed meanwhile: its tail is dropped, nothing written.
        let again = try WriteBehindTail(folder: folder, path: path + "-gone", offset: 0, capacity: 4096)
        let fd2 = try FileDescriptor.open(path + "-gone", .readWrite, options: [.create])
        try a.withUnsafeBytes { try again.append($0.baseAddress!, count: a.count, to: fd2) }
        try snapshot(again, in: folder, as: "c")
        try fd2.close()
        FileSystem.remove(path + "-gone")
        done = WriteBehindTail.recover(folder: folder)
        #expect(done.first { $0.tail.hasSuffix("-c") }.map { $0.bytes == 0 && $0.problem == nil } == true)
        #expect(FileSystem.size(of: path + "-gone") == nil)
    }

    /// An MP3 written through a tail is the same file, byte for byte, as one written at
    /// once; between refreshes its file does not grow; finishing and discarding leave no
    /// tail behind.
    @Test func anMP3WrittenBehindIsTheSameFile() throws {
        let dir = try TestDirectory()
        let folder = dir.file("wb")
        try FileSystem.createDirectory(folder, mode: 0o700)
        let spec = AudioFileSpec(format: .mp3, sampleRate: 8000, channels: 1)
        let direct = try AudioFileWriters.make(spec, path: dir.file("direct.mp3"))
        let behind = try AudioFileWriters.make(spec, path: dir.file("behind.mp3"), writeBehind: folder)
        #expect((behind as? MP3FileWriter)?.writesBehind == true && (direct as? MP3FileWriter)?.writesBehind == false)
        let tone = (0..<8000).map { Int16(8000 * sin(Double($0) * 2 * .pi * 440 / 8000)) }
        let atStart = FileSystem.size(of: behind.partPath)
        for _ in 0..<3 {
            for w in [direct, behind] { try tone.withUnsafeBufferPointer { try w.write($0.baseAddress!, frames: 8000) } }
        }
        #expect(FileSystem.size(of: behind.partPath) == atStart)   // a second of audio each time, all held
        #expect(FileSystem.size(of: direct.partPath)! > atStart! + 4000)
        try behind.refreshHeader()
        try direct.refreshHeader()
        #expect(contents(behind.partPath) == contents(direct.partPath))
        try tone.withUnsafeBufferPointer { try behind.write($0.baseAddress!, frames: 4000) }
        try tone.withUnsafeBufferPointer { try direct.write($0.baseAddress!, frames: 4000) }
        _ = try direct.finish()
        _ = try behind.finish()
        #expect(contents(dir.file("behind.mp3")) == contents(dir.file("direct.mp3")))
        #expect(tails(in: folder).isEmpty)
        let dropped = try AudioFileWriters.make(spec, path: dir.file("dropped.mp3"), writeBehind: folder)
        try tone.withUnsafeBufferPointer { try dropped.write($0.baseAddress!, frames: 8000) }
        #expect(tails(in: folder).count == 1)
        dropped.discard()
        #expect(tails(in: folder).isEmpty && FileSystem.size(of: dropped.partPath) == nil)
    }

    /// After a write error the writer is abandoned: what the tail held is written if it
    /// can be, and the tail goes.
    @Test func anAbandonedWriterWritesWhatItHeld() throws {
        let dir = try TestDirectory()
        let folder = dir.file("wb")
        try FileSystem.createDirectory(folder, mode: 0o700)
        let writer = try AudioFileWriters.make(AudioFileSpec(format: .mp3, sampleRate: 8000, channels: 1),
                                               path: dir.file("x.mp3"), writeBehind: folder)
        let size = FileSystem.size(of: writer.partPath)!
        let noise = (0..<16000).map { Int16(truncatingIfNeeded: $0 &* 7919 % 9000) }
        try noise.withUnsafeBufferPointer { try writer.write($0.baseAddress!, frames: noise.count) }
        writer.abandon()
        #expect(FileSystem.size(of: writer.partPath)! > size + 3000)
        #expect(tails(in: folder).isEmpty)
    }
}
