import Foundation
import Testing
import TapedeckTestSupport

/// Each bad input gives one line naming the problem and a non-zero exit; no file is left.
@Suite struct RecordErrorTests {
    func record(_ args: [String], in dir: TestDirectory) throws -> ProcessResult {
        try Subprocess.run(Binaries.tapedeck, ["record"] + args, environment: dir.environment)
    }

    func expectOneLineError(_ r: ProcessResult, mentioning words: [String]) {
        #expect(r.status != 0)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1, "stderr: \(r.stderr)")
        for w in words { #expect(r.stderr.contains(w), "'\(w)' missing from: \(r.stderr)") }
    }

    @Test func deviceThatDoesNotExist() throws {
        let dir = try TestDirectory()
        let r = try record(["--device", "nosuchdevice", "--mode", "mono", "--duration", "1", dir.file("x.wav")], in: dir)
        expectOneLineError(r, mentioning: ["nosuchdevice", "open"])
        #expect(!FileManager.default.fileExists(atPath: dir.file("x.wav.part")))
    }

    @Test func unsupportedRate() throws {
        let dir = try TestDirectory()
        try dir.defineFileDevice("dev", raw: try dir.writeRaw("in.raw", samples: [0, 0]))
        let r = try record(["--device", "dev", "--rate", "96000", "--mode", "mono", dir.file("x.wav")], in: dir)
        expectOneLineError(r, mentioning: ["96000", "8000–48000"])
    }

    @Test func unsupportedChannelCount() throws {
        let dir = try TestDirectory()
        try dir.defineFileDevice("dev", raw: try dir.writeRaw("in.raw", samples: [0, 0]))
        let r = try record(["--device", "dev", "--channels", "65", "--mode", "mono", dir.file("x.wav")], in: dir)
        expectOneLineError(r, mentioning: ["65 channels"])
    }

    @Test func channelIndexOutOfRange() throws {
        let dir = try TestDirectory()
        try dir.defineFileDevice("dev", raw: try dir.writeRaw("in.raw", samples: [0, 0]))
        let r = try record(["--device", "dev", "--customer-channel", "2", "--mode", "stereo", dir.file("x.wav")], in: dir)
        expectOneLineError(r, mentioning: ["customer channel 2", "out of range"])
    }

    @Test func outputThatCannotBeWritten() throws {
        let dir = try TestDirectory()
        try dir.defineFileDevice("dev", raw: try dir.writeRaw("in.raw", samples: [0, 0]))
        let r = try record(["--device", "dev", "--mode", "mono", "/nonexistent-dir/x.wav"], in: dir)
        expectOneLineError(r, mentioning: ["/nonexistent-dir/x.wav"])
    }

    @Test func unknownFormat() throws {
        let dir = try TestDirectory()
        let r = try record(["--device", "dev", "--mode", "mono", dir.file("x.ogg")], in: dir)
        expectOneLineError(r, mentioning: ["x.ogg", ".wav or .mp3"])
    }

    @Test func bitrateMP3CannotCarry() throws {
        let dir = try TestDirectory()
        let r = try record(["--device", "dev", "--mode", "mono", "--bitrate", "320", dir.file("x.mp3")], in: dir)
        expectOneLineError(r, mentioning: ["320"])
    }

    /// MPEG-2.5 allows 80–160 kbit/s at 8 kHz, but LAME would write them as 64: refused.
    @Test func bitrateLAMEWouldChange() throws {
        let dir = try TestDirectory()
        try dir.defineFileDevice("dev", raw: try dir.writeRaw("in.raw", samples: [0, 0]))
        let r = try record(["--device", "dev", "--mode", "mono", "--bitrate", "128", dir.file("x.mp3")], in: dir)
        #expect(r.status != 0)
        #expect(r.stderr == "tapedeck record: MP3 at 8000 Hz takes bitrates 8, 16, 24, 32, 40, 48, 56, 64 kbit/s, not 128\n")
        #expect(!FileManager.default.fileExists(atPath: dir.file("x.mp3")) && !FileManager.default.fileExists(atPath: dir.file("x.mp3.part")))
    }
}
