import Foundation
import Testing
import TapedeckVocabulary
import TapedeckTestSupport
@testable import TapedeckAudio
import TapedeckSystem

@Suite struct FileWriterTests {
    func ramp(frames: Int, channels: Int) -> [Int16] {
        (0..<(frames * channels)).map { Int16(truncatingIfNeeded: $0 &* 37 - 12000) }
    }

    @Test func wavIsWrittenUnderAPartNameAndRenamedWhenFinished() throws {
        let dir = try TestDirectory()
        let path = dir.file("call.wav")
        let writer = try AudioFileWriters.make(AudioFileSpec(format: .wav, sampleRate: 8000, channels: 2), path: path)
        let samples = ramp(frames: 4000, channels: 2)
        try samples.withUnsafeBufferPointer { try writer.write($0.baseAddress!, frames: 4000) }
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(FileManager.default.fileExists(atPath: path + ".part"))
        let done = try writer.finish()
        #expect(done.frames == 4000)
        #expect(!FileManager.default.fileExists(atPath: path + ".part"))
        let wav = try WAVContents(path: path)
        #expect(wav.channels == 2 && wav.sampleRate == 8000 && wav.bitsPerSample == 16)
        #expect(wav.declaredDataSize == 16000)
        #expect(wav.samples == samples)
        #expect(Int(wav.declaredRIFFSize) + 8 == done.sizeBytes)
    }

    @Test func checkpointLeavesAReadableHeaderWhileRecording() throws {
        let dir = try TestDirectory()
        let path = dir.file("live.wav")
        let writer = try AudioFileWriters.make(AudioFileSpec(format: .wav, sampleRate: 8000, channels: 1), path: path)
        let samples = ramp(frames: 8000, channels: 1)
        try samples.withUnsafeBufferPointer { try writer.write($0.baseAddress!, frames: 8000) }
        try writer.checkpoint()
        let live = try WAVContents(path: path + ".part")
        #expect(live.declaredDataSize == 16000)
        #expect(live.samples == samples)
        writer.discard()
        #expect(!FileManager.default.fileExists(atPath: path + ".part"))
    }

    @Test func mp3HasAnInfoTagCountingItsFrames() throws {
        let dir = try TestDirectory()
        let path = dir.file("call.mp3")
        let writer = try AudioFileWriters.make(AudioFileSpec(format: .mp3, sampleRate: 8000, channels: 1), path: path)
        let tone = (0..<16000).map { Int16(8000 * sin(Double($0) * 2 * .pi * 440 / 8000)) }
        try tone.withUnsafeBufferPointer { try writer.write($0.baseAddress!, frames: 16000) }
        _ = try writer.finish()
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        // MPEG-2.5 Layer III, 16 kbit/s, 8000 Hz: frame header FF E2 (sync + 2.5 + layer III, no CRC).
        #expect(bytes[0] == 0xFF && bytes[1] & 0xFE == 0xE2)
        // Mono MPEG-2/2.5: the Info tag sits 9 bytes after the 4-byte header.
        #expect(String(decoding: bytes[13..<17], as: UTF8.self) == "Info")
        let flags = UInt32(bytes[17]) << 24 | UInt32(bytes[18]) << 16 | UInt32(bytes[19]) << 8 | UInt32(bytes[20])
        #expect(flags & 1 == 1)
        func be32(_ o: Int) -> Int { Int(UInt32(bytes[o]) << 24 | UInt32(bytes[o + 1]) << 16 | UInt32(bytes[o + 2]) << 8 | UInt32(bytes[o + 3])) }
        #expect(flags == 3)                      // frames and bytes
        let taggedFrames = be32(21)
        // 576 samples per MPEG-2.5 frame; each 16 kbit/s frame at 8 kHz is 144 bytes.
        #expect(bytes.count == 144 * (taggedFrames + 1))
        #expect(be32(25) == bytes.count)
        // LAME extension: encoder delay + padding + 16000 samples = the frames' samples.
        #expect(String(decoding: bytes[29..<38], as: UTF8.self) == "LAME3.100")
        let delay = Int(bytes[50]) << 4 | Int(bytes[51]) >> 4
        let padding = Int(bytes[51] & 0xF) << 8 | Int(bytes[52])
        #expect(delay + padding + 16000 == taggedFrames * 576)
        // The tag's CRC-16 covers every byte before it.
        let crc = UInt16(bytes[63]) << 8 | UInt16(bytes[64])
        #expect(crc == CRC16.arc(bytes[0..<63]))
    }

    @Test func refusesWhatMP3CannotCarry() {
        #expect(AudioFileSpec(format: .mp3, sampleRate: 8000, channels: 1, bitrateKbps: 64).problem == nil)
        // MPEG-2.5 allows 128, but LAME writes it as 64: refused.
        #expect(AudioFileSpec(format: .mp3, sampleRate: 8000, channels: 1, bitrateKbps: 128).problem
                == "MP3 at 8000 Hz takes bitrates 8, 16, 24, 32, 40, 48, 56, 64 kbit/s, not 128")
        #expect(AudioFileSpec(format: .mp3, sampleRate: 8000, channels: 1, bitrateKbps: 320).problem != nil)
        #expect(AudioFileSpec(format: .mp3, sampleRate: 44100, channels: 2, bitrateKbps: 16).problem != nil)
        #expect(AudioFileSpec(format: .mp3, sampleRate: 9600, channels: 1).problem?.contains("9600 Hz") == true)
        #expect(throws: WriterError.self) {
            _ = try AudioFileWriters.make(AudioFileSpec(format: .wav, sampleRate: 8000, channels: 1), path: "/nonexistent-dir/x.wav")
        }
    }
}

/// The SHA-256 a writer returns is the final file's, as `sha256sum` computes it, whichever
/// writer and whichever Info frame (LAME's own, or ours at 8 kHz stereo).
@Suite struct FileDigestTests {
    static func sha256sum(_ path: String) throws -> String {
        String(try Subprocess.run("/usr/bin/sha256sum", [path]).stdout.prefix(64))
    }

    @Test(arguments: [(AudioFormat.wav, 1), (.wav, 2), (.mp3, 1), (.mp3, 2)])
    func finishedFilesCarryTheirOwnSHA256(format: AudioFormat, channels: Int) throws {
        let dir = try TestDirectory()
        let path = dir.file("call." + format.rawValue)
        let writer = try AudioFileWriters.make(AudioFileSpec(format: format, sampleRate: 8000, channels: channels), path: path)
        let tone = (0..<(24000 * channels)).map { Int16(8000 * sin(Double($0) * 2 * .pi * 440 / 8000)) }
        try tone.withUnsafeBufferPointer { try writer.write($0.baseAddress!, frames: 12000) }
        try writer.checkpoint()   // the header / Info frame changes again after this
        try tone.withUnsafeBufferPointer { try writer.write($0.baseAddress! + 12000 * channels, frames: 12000) }
        let done = try writer.finish()
        #expect(done.sha256 == (try Self.sha256sum(path)))
        #expect(done.sha256 == (try FileDigest.sha256(path: path)))
    }

    @Test func aMissingFileIsAnErrorNamingIt() throws {
        #expect(throws: FileError(operation: "open", path: "/nonexistent/x.wav", errno: .noEntry)) {
            try FileDigest.sha256(path: "/nonexistent/x.wav")
        }
    }

    @Test func largeFilesAreReadInChunks() throws {
        let dir = try TestDirectory()
        let path = dir.file("big.bin")
        // Three and a half chunks, every byte different from its neighbours.
        let bytes = (0..<(FileDigest.chunk * 7 / 2)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(try FileDigest.sha256(path: path) == (try Self.sha256sum(path)))
    }
}
