import TapedeckSystem
import Foundation
import Testing
import TapedeckTestSupport
@testable import TapedeckAudio

/// The writers' write-behind buffers (docs/recording.md, "Files"): audio reaches the file
/// in large writes, and a header or Info tag never declares more than the file holds.
@Suite struct WriteBehindTests {
    func tone(frames: Int, channels: Int) -> [Int16] {
        (0..<(frames * channels)).map { Int16(8000 * sin(Double($0 / channels) * 2 * .pi * 440 / 8000)) }
    }

    func size(_ path: String) -> Int { FileSystem.size(of: path) ?? -1 }

    /// Half a second in 20 ms periods adds nothing to the file until a header rewrite,
    /// which writes it all and declares exactly it.
    @Test func wavPeriodsWaitForTheCheckpointAndTheHeaderMatchesTheFile() throws {
        let dir = try TestDirectory()
        let path = dir.file("live.wav")
        let writer = try AudioFileWriters.make(AudioFileSpec(format: .wav, sampleRate: 8000, channels: 2), path: path)
        let samples = tone(frames: 4000, channels: 2)
        let empty = size(path + ".part")
        try samples.withUnsafeBufferPointer { b in
            for k in 0..<25 { try writer.write(b.baseAddress! + k * 320, frames: 160) }
        }
        #expect(size(path + ".part") == empty)
        try writer.refreshHeader()
        let live = try WAVContents(path: path + ".part")
        #expect(Int(live.declaredDataSize) == 4000 * 4)
        #expect(live.availableDataBytes == 4000 * 4)
        #expect(live.samples == samples)
        writer.discard()
    }

    /// More than the buffer holds (a second) at once: written as it fills, the rest on
    /// `flush`; the finished file has every sample.
    @Test func wavLongWritesGoOutAsTheBufferFills() throws {
        let dir = try TestDirectory()
        let path = dir.file("long.wav")
        let writer = try AudioFileWriters.make(AudioFileSpec(format: .wav, sampleRate: 8000, channels: 1), path: path)
        let samples = tone(frames: 20_000, channels: 1)
        let empty = size(path + ".part")
        try samples.withUnsafeBufferPointer { try writer.write($0.baseAddress!, frames: 20_000) }
        #expect(size(path + ".part") == empty + 2 * 16_000)
        try writer.flush()
        #expect(size(path + ".part") == empty + 2 * 20_000)
        _ = try writer.finish()
        #expect(try WAVContents(path: path).samples == samples)
    }

    /// The MP3's Info tag counts the bytes in the file at every rewrite, never more; audio
    /// between rewrites stays in the buffer.
    @Test(arguments: [1, 2])
    func mp3TagCountsWhatIsInTheFile(channels: Int) throws {
        let dir = try TestDirectory()
        let path = dir.file("live.mp3")
        let writer = try AudioFileWriters.make(AudioFileSpec(format: .mp3, sampleRate: 8000, channels: channels), path: path)
        let samples = tone(frames: 8000 * 3, channels: channels)
        var sizes: [Int] = []
        try samples.withUnsafeBufferPointer { b in
            for second in 0..<3 {
                let before = size(path + ".part")
                for k in 0..<50 { try writer.write(b.baseAddress! + (second * 50 + k) * 160 * channels, frames: 160) }
                #expect(size(path + ".part") == before)
                try writer.refreshHeader()
                let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path + ".part")))
                sizes.append(bytes.count)
                #expect(MP3Tag.streamBytes(bytes).map { $0 <= bytes.count } == true, "tag \(String(describing: MP3Tag.streamBytes(bytes))) of \(bytes.count)")
                #expect(MP3Tag.streamBytes(bytes).map { $0 >= bytes.count - 2 * 288 } == true)
            }
        }
        #expect(sizes == sizes.sorted() && Set(sizes).count == 3)
        writer.discard()
    }
}

/// The byte count of an MP3's Info/Xing tag (the first frame), if it has one.
enum MP3Tag {
    static func streamBytes(_ b: [UInt8]) -> Int? {
        guard let at = ["Info", "Xing"].compactMap({ tag in
            (0..<min(64, b.count - 4)).first { String(decoding: b[$0..<($0 + 4)], as: UTF8.self) == tag }
        }).first else { return nil }
        let flags = Int(b[at + 7])
        guard flags & 2 != 0 else { return nil }
        let o = at + 8 + (flags & 1 != 0 ? 4 : 0)
        return Int(b[o]) << 24 | Int(b[o + 1]) << 16 | Int(b[o + 2]) << 8 | Int(b[o + 3])
    }
}
