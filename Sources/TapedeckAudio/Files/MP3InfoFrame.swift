/// An Info (CBR Xing) frame with a LAME extension (where it fits), for the CBR settings at which LAME's
/// own tag does not fit in one frame (LAME then writes none: 16 kbit/s mono at 8 kHz,
/// VICIdial's default, is one). It carries the frame and byte counts and the encoder
/// delay and padding, so players see the exact duration.
struct MP3InfoFrame {
    let sampleRate: Int
    let channels: Int
    let bitrateKbps: Int

    /// MPEG-1 from 32 kHz up, else MPEG-2 (16–24 kHz) or MPEG-2.5 (8–12 kHz).
    var isMPEG1: Bool { sampleRate >= 32000 }
    var samplesPerFrame: Int { isMPEG1 ? 1152 : 576 }
    /// Bytes in a frame without padding (CBR, this bitrate).
    var frameBytes: Int { (isMPEG1 ? 144 : 72) * bitrateKbps * 1000 / sampleRate }
    /// Header plus side information: where the tag starts.
    var tagOffset: Int { 4 + (isMPEG1 ? (channels == 1 ? 17 : 32) : (channels == 1 ? 9 : 17)) }
    /// Whether LAME's own Info/LAME tag fits in a frame at these settings (its rule).
    var lameTagFits: Bool { frameBytes >= tagOffset + 156 }
    /// Whether the LAME extension (delay, padding, CRCs: 36 bytes) fits after the counts.
    var extensionFits: Bool { frameBytes >= tagOffset + 16 + 36 }
    /// Whether an Info frame fits at all ("Info", flags, frames, bytes).
    var countsFit: Bool { frameBytes >= tagOffset + 16 }

    /// The 4-byte header of this stream's frames (no CRC, no padding).
    var header: [UInt8] {
        let versionBits: UInt8 = isMPEG1 ? 0b11 : (sampleRate >= 16000 ? 0b10 : 0b00)
        let bitrates = AudioFileSpec.mpegBitrateTable(sampleRate: sampleRate)
        let bitrateIndex = UInt8((bitrates.firstIndex(of: bitrateKbps) ?? 0) + 1)
        let family: [Int] = isMPEG1 ? [44100, 48000, 32000] : sampleRate >= 16000 ? [22050, 24000, 16000] : [11025, 12000, 8000]
        let rateIndex = UInt8(family.firstIndex(of: sampleRate) ?? 0)
        let mode: UInt8 = channels == 1 ? 0b11 : 0b01      // mono, or joint stereo
        return [0xFF, 0xE0 | versionBits << 3 | 0b01 << 1 | 1, bitrateIndex << 4 | rateIndex << 2, mode << 6]
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

/// CRC-16/ARC (polynomial 0x8005, reflected), as the LAME tag uses it.
enum CRC16 {
    static let table: [UInt16] = (0..<256).map { byte -> UInt16 in
        var c = UInt16(byte)
        for _ in 0..<8 { c = c & 1 != 0 ? (c >> 1) ^ 0xA001 : c >> 1 }
        return c
    }

    static func arc<C: Collection>(_ bytes: C, initial: UInt16 = 0) -> UInt16 where C.Element == UInt8 {
        var crc = initial
        for b in bytes { crc = (crc >> 8) ^ table[Int((crc ^ UInt16(b)) & 0xFF)] }
        return crc
    }

    /// The same over a stream's bytes (every MP3 frame written: the LAME tag's music CRC),
    /// four bytes per step ("slicing by 4": four independent lookups instead of a chain of
    /// four), the rest byte by byte.
    static func arc(_ bytes: UnsafeBufferPointer<UInt8>, initial: UInt16) -> UInt16 {
        guard var p = bytes.baseAddress else { return initial }
        let t = slices
        var crc = UInt32(initial)
        var left = bytes.count
        while left >= 4 {
            let x = crc ^ (UInt32(p[0]) | UInt32(p[1]) << 8 | UInt32(p[2]) << 16 | UInt32(p[3]) << 24)
            crc = UInt32(t[768 + Int(x & 0xFF)] ^ t[512 + Int(x >> 8 & 0xFF)] ^ t[256 + Int(x >> 16 & 0xFF)] ^ t[Int(x >> 24)])
            p += 4
            left -= 4
        }
        var c = UInt16(crc)
        for i in 0..<left { c = (c >> 8) ^ t[Int((c ^ UInt16(p[i])) & 0xFF)] }
        return c
    }

    /// `table` followed by the CRCs of each byte followed by one, two and three zero bytes.
    nonisolated(unsafe) private static let slices: UnsafePointer<UInt16> = {
        let t = UnsafeMutablePointer<UInt16>.allocate(capacity: 4 * 256)
        for i in 0..<256 { t[i] = table[i] }
        for k in 1..<4 {
            for i in 0..<256 {
                let prev = t[256 * (k - 1) + i]
                t[256 * k + i] = (prev >> 8) ^ t[Int(prev & 0xFF)]
            }
        }
        return UnsafePointer(t)   // kept for the life of the process
    }()
}
