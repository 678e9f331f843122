import Foundation
import Testing
import TapedeckVocabulary
import TapedeckTestSupport
@testable import TapedeckAudio

/// The MP3 bitrates Tapedeck accepts are exactly those the real LAME writes as asked: every
/// candidate is encoded through our writer (bypassing its check) and the frame headers are
/// read back.
@Suite struct MP3BitrateTests {
    static let rates = [8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000]
    /// Every Layer III bitrate of any MPEG version.
    static let candidates = [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 192, 224, 256, 320]

    /// A frame header read back: MPEG version, bitrate, sample rate, channels, length.
    struct Frame: Equatable {
        let mpeg1: Bool
        let kbps: Int
        let rate: Int
        let channels: Int
        let length: Int
    }

    /// Every frame of a file written without tags before the stream, read by the standard's
    /// tables (not Tapedeck's). nil when a header is not a valid Layer III one.
    static func frames(_ bytes: [UInt8]) -> [Frame]? {
        let mpeg1Bitrates = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]
        let mpeg2Bitrates = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]
        var out: [Frame] = []
        var i = 0
        while i < bytes.count {
            guard i + 4 <= bytes.count, bytes[i] == 0xFF, bytes[i + 1] & 0xE0 == 0xE0,
                  (bytes[i + 1] >> 1) & 0x3 == 0x1 else { return nil }
            let version = (bytes[i + 1] >> 3) & 0x3      // 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5
            let index = Int(bytes[i + 2] >> 4), rateIndex = Int((bytes[i + 2] >> 2) & 0x3)
            guard version != 1, (1...14).contains(index), rateIndex != 3 else { return nil }
            let base = [44100, 48000, 32000][rateIndex]
            let rate = version == 3 ? base : version == 2 ? base / 2 : base / 4
            let kbps = (version == 3 ? mpeg1Bitrates : mpeg2Bitrates)[index]
            let padding = Int((bytes[i + 2] >> 1) & 0x1)
            let length = (version == 3 ? 144_000 : 72_000) * kbps / rate + padding
            out.append(Frame(mpeg1: version == 3, kbps: kbps, rate: rate, channels: bytes[i + 3] >> 6 == 3 ? 1 : 2,
                             length: length))
            i += length
        }
        return i == bytes.count ? out : nil
    }

    /// Writes a second of tone at `kbps` straight through `MP3FileWriter` (no check)
    /// and returns its frames.
    static func encode(rate: Int, channels: Int, kbps: Int, in dir: TestDirectory) throws -> [Frame]? {
        let path = dir.file("\(rate)-\(channels)-\(kbps).mp3")
        let writer = try MP3FileWriter(spec: AudioFileSpec(format: .mp3, sampleRate: rate, channels: channels, bitrateKbps: kbps),
                                       path: path)
        let count = rate
        let samples = (0..<(count * channels)).map { Int16(8000 * sin(Double($0 / channels) * 2 * .pi * 440 / Double(rate))) }
        try samples.withUnsafeBufferPointer { try writer.write($0.baseAddress!, frames: count) }
        _ = try writer.finish()
        return frames([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
    }

    @Test(arguments: rates, [1, 2])
    func acceptedBitratesAreExactlyThoseLAMEHonours(_ rate: Int, _ channels: Int) throws {
        let dir = try TestDirectory()
        var honoured: [Int] = []
        for kbps in Self.candidates {
            let frames = try Self.encode(rate: rate, channels: channels, kbps: kbps, in: dir)
            let asAsked = frames.map { f in
                f.count > 10 && f.allSatisfy { $0.kbps == kbps && $0.rate == rate && $0.channels == channels && $0.mpeg1 == (rate >= 32000) }
            } ?? false
            if asAsked { honoured.append(kbps) }
            let spec = AudioFileSpec(format: .mp3, sampleRate: rate, channels: channels, bitrateKbps: kbps)
            let allowed = MP3Bitrates.at(sampleRate: rate)
            if allowed.contains(kbps) {
                // Accepted: the file really has that bitrate in every frame header.
                #expect(asAsked, "\(kbps) kbit/s at \(rate) Hz, \(channels) ch: frames \(frames.map { Set($0.map(\.kbps)) } ?? [])")
                #expect(spec.problem == nil)
            } else {
                let list = allowed.map(String.init).joined(separator: ", ")
                #expect(spec.problem == "MP3 at \(rate) Hz takes bitrates \(list) kbit/s, not \(kbps)")
                #expect(throws: WriterError(path: dir.file("x.mp3"), operation: "write", reason: spec.problem ?? "")) {
                    _ = try AudioFileWriters.make(spec, path: dir.file("x.mp3"))
                }
            }
        }
        #expect(honoured == MP3Bitrates.at(sampleRate: rate), "LAME honours \(honoured) at \(rate) Hz")
    }
}
