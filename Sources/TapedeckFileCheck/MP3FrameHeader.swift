import TapedeckVocabulary

/// A decoded MPEG audio Layer III frame header (4 bytes).
struct MP3FrameHeader: Sendable, Equatable {
    typealias Version = MPEGVersion

    enum ChannelMode: UInt8, Sendable {
        case stereo = 0, jointStereo = 1, dualChannel = 2, mono = 3
    }

    let version: Version
    let hasCRC: Bool
    let bitrateKbps: Int
    let sampleRate: Int
    let padding: Bool
    let channelMode: ChannelMode
    /// Header byte 1: sync, version, layer and CRC flag (the same in every
    /// frame of a stream).
    let byte1: UInt8
    /// Header bytes 2 and 3, which the frame CRC covers.
    let byte2: UInt8
    let byte3: UInt8

    var channels: Int { channelMode == .mono ? 1 : 2 }
    var samplesPerFrame: Int { version.samplesPerFrame }
    /// Whole frame length in bytes, header included.
    var frameLength: Int { version.frameLength(bitrateKbps: bitrateKbps, sampleRate: sampleRate, padding: padding) }
    /// Side information length, which follows the header (and CRC).
    var sideInfoLength: Int { version.sideInfoLength(channels: channels) }

    /// Same stream: version, sample rate, mono-ness and CRC use agree.
    func isCompatible(with other: MP3FrameHeader) -> Bool {
        version == other.version && sampleRate == other.sampleRate
            && channels == other.channels && hasCRC == other.hasCRC
    }

    /// Whether 1–3 bytes cut by the end of the audio can be the start of a
    /// header of the same stream as `reference`: 0xFF, then byte 1 equal to
    /// the reference's (sync, version, layer, CRC flag), then byte 2 with a
    /// valid bitrate index and the reference's sample rate index.
    static func isPlausiblePrefix<C: RandomAccessCollection>(_ b: C, of reference: MP3FrameHeader) -> Bool
        where C.Element == UInt8, C.Index == Int {
        guard (1...3).contains(b.count) else { return false }
        let s = b.startIndex
        guard b[s] == 0xFF else { return false }
        if b.count >= 2, b[s + 1] != reference.byte1 { return false }
        if b.count >= 3 {
            let bitrateIndex = b[s + 2] >> 4
            guard bitrateIndex != 0, bitrateIndex != 15 else { return false }
            guard (b[s + 2] >> 2) & 0x3 == (reference.byte2 >> 2) & 0x3 else { return false }
        }
        return true
    }

    /// Decodes four bytes; nil unless they are a valid Layer III header with
    /// a known bitrate (free format is not accepted) and sample rate.
    init?<C: RandomAccessCollection>(_ b: C) where C.Element == UInt8, C.Index == Int {
        guard b.count >= 4 else { return nil }
        let s = b.startIndex
        let b0 = b[s], b1 = b[s + 1], b2 = b[s + 2], b3 = b[s + 3]
        guard b0 == 0xFF, b1 & 0xE0 == 0xE0 else { return nil }
        let versionBits = (b1 >> 3) & 0x3
        let layerBits = (b1 >> 1) & 0x3
        guard layerBits == 0x1 else { return nil }  // Layer III only
        guard let version = Version(headerBits: versionBits) else { return nil }
        let bitrateIndex = Int(b2 >> 4)
        let rateIndex = Int((b2 >> 2) & 0x3)
        guard bitrateIndex != 0, bitrateIndex != 15, rateIndex != 3 else { return nil }
        guard b3 & 0x3 != 2 else { return nil }  // reserved emphasis
        self.version = version
        self.hasCRC = b1 & 0x1 == 0
        self.bitrateKbps = version.layer3Bitrates[bitrateIndex - 1]
        self.sampleRate = version.sampleRates[rateIndex]
        self.padding = (b2 >> 1) & 0x1 == 1
        self.channelMode = ChannelMode(rawValue: b3 >> 6) ?? .stereo
        self.byte1 = b1
        self.byte2 = b2
        self.byte3 = b3
    }
}
