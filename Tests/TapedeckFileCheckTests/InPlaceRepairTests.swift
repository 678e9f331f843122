import Foundation
import Testing
@testable import TapedeckFileCheck

/// A repair that only cuts the end of a file and rewrites header bytes is
/// made in place: same inode, no temporary copy, and it works on a file
/// system with no free space at all (how a recording that filled the disk
/// is finished).
@Suite("In-place repair", .serialized)
struct InPlaceRepairTests {
    static func inode(_ path: String) -> UInt64 {
        var st = stat()
        return stat(path, &st) == 0 ? UInt64(st.st_ino) : 0
    }

    /// A broken variant of a corpus file: an MP3 cut inside its last frame
    /// (its Info tag then declares a frame that is gone), a WAV cut inside a
    /// sample frame (its header declares the whole length).
    static func truncated(_ name: String) throws -> (bytes: [UInt8], keep: Int) {
        let good = try Bytes.read(try Corpus.path(name))
        if name.hasSuffix(".mp3") {
            let frames = MP3TestFrames.frames(good)
            let last = frames[frames.count - 1]
            return (Array(good[0..<(last.offset + last.length / 2)]), last.offset)
        }
        let cut = good.count - 1001  // odd: inside a 16-bit sample
        let data = try #require(Bytes.chunks(good).first { $0.id == "data" })
        let fmt = try #require(Bytes.find(good, "fmt "))
        let align = Int(good[fmt + 20]) | Int(good[fmt + 21]) << 8
        let payload = data.offset + 8
        return (Array(good[0..<cut]), payload + (cut - payload) / align * align)
    }

    @Test("a truncated MP3 or WAV is repaired in place: same inode, no temporary file, only header bytes changed",
          arguments: ["lame-44k-stereo-128-id3v2.mp3", "ffmpeg-8k-mono-24.mp3", "sox-8k-mono-16.wav", "sndfile-44k-stereo.rf64"])
    func inPlace(name: String) throws {
        let dir = TempDir()
        let path = dir.file(name)
        let (bytes, keep) = try Self.truncated(name)
        try Bytes.write(bytes, path)
        let before = FileInspector.inspect(path: path)
        #expect(before.verdict == .broken, "\(describe(before))")
        let ino = Self.inode(path)
        let o = try FileRepairer.repair(path: path, output: nil, dryRun: false)
        #expect(o.status == .repaired, "\(o.summaryLine)")
        #expect(Self.inode(path) == ino, "the repair replaced the file instead of fixing it in place")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == [name])
        let after = FileInspector.inspect(path: path)
        #expect(after.verdict == .ok, "\(describe(after))")
        let repaired = try Bytes.read(path)
        #expect(repaired.count == keep, "kept \(repaired.count) bytes, expected \(keep)")
        // Outside the header (first 512 bytes: ID3v2 or RIFF header, the Info frame) nothing changed.
        let headerEnd = name.hasSuffix(".mp3") ? MP3TestFrames.frames(bytes)[1].offset : 512
        #expect(Array(repaired[headerEnd...]) == Array(bytes[headerEnd..<keep]))
    }

    @Test("on a file system with no free space left, the repair still succeeds",
          arguments: ["lame-44k-stereo-128-id3v2.mp3", "sox-8k-mono-16.wav"])
    func onAFullDisk(name: String) throws {
        try #require(getuid() == 0, "mounting a tmpfs needs root (CI runs as root)")
        let dir = TempDir()
        let mnt = dir.file("mnt")
        try FileManager.default.createDirectory(atPath: mnt, withIntermediateDirectories: true)
        let mount = Process()
        mount.executableURL = URL(fileURLWithPath: "/bin/mount")
        mount.arguments = ["-t", "tmpfs", "-o", "size=512k", "tmpfs", mnt]
        try mount.run()
        mount.waitUntilExit()
        try #require(mount.terminationStatus == 0, "mount failed")
        defer {
            let umount = Process()
            umount.executableURL = URL(fileURLWithPath: "/bin/umount")
            umount.arguments = ["-l", mnt]
            try? umount.run()
            umount.waitUntilExit()
        }
        let path = mnt + "/" + name
        let (bytes, keep) = try Self.truncated(name)
        try Bytes.write(bytes, path)
        // Fill what is left, to the last byte.
        let filler = open(mnt + "/filler", O_WRONLY | O_CREAT, 0o644)
        try #require(filler >= 0)
        let block = [UInt8](repeating: 0x55, count: 4096)
        var full = false
        while !full {
            full = block.withUnsafeBytes { write(filler, $0.baseAddress, $0.count) } < 4096 && errno == ENOSPC
        }
        while block.withUnsafeBytes({ write(filler, $0.baseAddress, 1) }) == 1 {}
        close(filler)
        try #require(errno == ENOSPC)

        let o = try FileRepairer.repair(path: path, output: nil, dryRun: false)
        #expect(o.status == .repaired, "\(o.summaryLine)")
        let after = FileInspector.inspect(path: path)
        #expect(after.verdict == .ok, "\(describe(after))")
        #expect(try Bytes.read(path).count == keep)
    }
}
