import TapedeckVocabulary

/// An Info (CBR Xing) frame with a LAME extension (where it fits), for the CBR settings at which LAME's
/// own tag does not fit in one frame (LAME then writes none: 16 kbit/s mono at 8 kHz,
/// VICIdial's default, is one). It carries the frame and byte counts and the encoder
/// delay and padding, so players see the exact duration.
struct MP3InfoFrame {
    let sampleRate: Int
    let channels: Int
    let bitrateKbps: Int

    /// MPEG-1 from 32 kHz up, else MPEG-2 (16–24 kHz) or MPEG-2.5 (8–12 kHz).
    var version: MPEGVersion { MPEGVersion(sampleRate: sampleRate) }
    var samplesPerFrame: Int { version.samplesPerFrame }
    /// Bytes in a frame without padding (CBR, this bitrate).
    var frameBytes: Int { version.frameLength(bitrateKbps: bitrateKbps, sampleRate: sampleRate) }
    /// Header plus side information: where the tag starts.
    var tagOffset: Int { 4 + version.sideInfoLength(channels: channels) }
    /// Whether LAME's own Info/LAME tag fits in a frame at these settings (its rule).
    var lameTagFits: Bool { frameBytes >= tagOffset + 156 }
    /// Whether the LAME extension (delay, padding, CRCs: 36 bytes) fits after the counts.
    var extensionFits: Bool { frameBytes >= tagOffset + 16 + 36 }
    /// Whether an Info frame fits at all ("Info", flags, frames, bytes).
    var countsFit: Bool { frameBytes >= tagOffset + 16 }

    /// The 4-byte header of this stream's frames (no CRC, no padding).
    var header: [UInt8] {
        let bitrateIndex = UInt8((version.layer3Bitrates.firstIndex(of: bitrateKbps) ?? 0) + 1)
        let rateIndex = UInt8(version.sampleRates.firstIndex(of: sampleRate) ?? 0)
        let mode: UInt8 = channels == 1 ? 0b11 : 0b01      // mono, or joint stereo
        return [0xFF, 0xE0 | version.headerBits << 3 | 0b01 << 1 | 1, bitrateIndex << 4 | rateIndex << 2, mode << 6]
    }

    /// The frame for a stream of `frames` audio frames after this one, `streamBytes` bytes
    /// long including this frame, with LAME's `delay` and `padding` in samples and the
    /// CRC-16 of the audio frames.
    func bytes(frames: Int, streamBytes: Int, delay: Int, padding: Int, musicCRC: UInt16) -> [UInt8] {
        var f = [UInt8](repeating: 0, count: frameBytes)
        f.replaceSubrange(0..<4, with: header)
        var o = tagOffset
        func put(_ bytes: [UInt8]) { f.replaceSubrange(o..<(o + bytes.count), with: bytes); o += bytes.count }
        func be32(_ v: Int) -> [UInt8] { let u = UInt32(clamping: v); return [UInt8(u >> 24), UInt8(u >> 16 & 0xFF), UInt8(u >> 8 & 0xFF), UInt8(u & 0xFF)] }
        put(Array("Info".utf8))
        put(be32(0x3))                         // frames and bytes fields present
        put(be32(frames))
        put(be32(streamBytes))
        // At the very lowest bitrates (8 kbit/s stereo at 8 kHz: 72-byte frames) only the
        // counts fit; players then take the duration from the frame count alone.
        guard extensionFits else { return f }
        put(Array("LAME3.100".utf8))
        put([0x01])                            // tag revision 0, CBR
        put([UInt8(min(255, sampleRate / 2 / 100))]) // lowpass / 100 Hz
        put([0, 0, 0, 0, 0, 0, 0, 0])          // peak, radio and audiophile gain
        put([0])                               // encoding flags, ATH
        put([UInt8(min(255, bitrateKbps))])
        let d = min(max(delay, 0), 4095), p = min(max(padding, 0), 4095)
        put([UInt8(d >> 4), UInt8((d & 0xF) << 4 | p >> 8), UInt8(p & 0xFF)])
        put([0, 0, 0, 0])                      // misc, MP3 gain, preset and surround
        put(be32(streamBytes))                 // music length
        put([UInt8(musicCRC >> 8), UInt8(musicCRC & 0xFF)])
        let crc = CRC16.arc(f[0..<o])
        put([UInt8(crc >> 8), UInt8(crc & 0xFF)])
        return f
    }
}
