/// The MPEG audio version a Layer III stream is, and the tables that follow from it: its
/// sample rates, its bitrate table, samples per frame, frame and side-information sizes.
///
/// | version | rates (header index 0, 1, 2) | bitrates (index 1–14) | samples per frame |
/// | --- | --- | --- | --- |
/// | MPEG-1 | 44100, 48000, 32000 | 32–320 | 1152 |
/// | MPEG-2 | 22050, 24000, 16000 | 8–160 (with 144) | 576 |
/// | MPEG-2.5 | 11025, 12000, 8000 | 8–160 (with 144) | 576 |
public enum MPEGVersion: String, Sendable, Hashable, CaseIterable {
    case mpeg1 = "MPEG-1", mpeg2 = "MPEG-2", mpeg25 = "MPEG-2.5"

    /// Every MPEG audio sample rate, ascending: an MP3 file can carry only these.
    public static let sampleRates = [8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000]

    /// The version of a stream at `sampleRate`: MPEG-1 from 32 kHz up, MPEG-2 at 16–24 kHz,
    /// MPEG-2.5 below.
    public init(sampleRate: Int) {
        self = sampleRate >= 32000 ? .mpeg1 : sampleRate >= 16000 ? .mpeg2 : .mpeg25
    }

    /// The version a frame header's two version bits name (`01` is reserved).
    public init?(headerBits: UInt8) {
        switch headerBits {
        case 0b00: self = .mpeg25
        case 0b10: self = .mpeg2
        case 0b11: self = .mpeg1
        default: return nil
        }
    }

    /// The two version bits of a frame header (byte 1, bits 4–3).
    public var headerBits: UInt8 {
        switch self {
        case .mpeg1: 0b11
        case .mpeg2: 0b10
        case .mpeg25: 0b00
        }
    }

    /// The sample rates by the header's rate index (0, 1, 2).
    public var sampleRates: [Int] {
        switch self {
        case .mpeg1: [44100, 48000, 32000]
        case .mpeg2: [22050, 24000, 16000]
        case .mpeg25: [11025, 12000, 8000]
        }
    }

    /// The Layer III bitrates (kbit/s) by the header's bitrate index 1–14 (index 0, free
    /// format, and 15, invalid, are not in it): the standard's table, MPEG-2 and MPEG-2.5
    /// sharing one.
    public var layer3Bitrates: [Int] {
        self == .mpeg1
            ? [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]
            : [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]
    }

    /// Samples per channel in one Layer III frame.
    public var samplesPerFrame: Int { self == .mpeg1 ? 1152 : 576 }

    /// Bytes of one frame, header included: `samplesPerFrame / 8 × bitrate / rate`, plus the
    /// padding byte.
    public func frameLength(bitrateKbps: Int, sampleRate: Int, padding: Bool = false) -> Int {
        samplesPerFrame / 8 * 1000 * bitrateKbps / sampleRate + (padding ? 1 : 0)
    }

    /// The side information's length, which follows the header (and its CRC).
    public func sideInfoLength(channels: Int) -> Int {
        switch (self, channels == 1) {
        case (.mpeg1, true): 17
        case (.mpeg1, false): 32
        case (_, true): 9
        case (_, false): 17
        }
    }
}
