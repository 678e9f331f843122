import TapedeckVocabulary

/// The Xing/Info VBR header (with its optional LAME extension) or the
/// Fraunhofer VBRI header that encoders put in the first frame of an MP3.
struct XingTag: Sendable {
    enum Kind: String, Sendable { case xing = "Xing", info = "Info", vbri = "VBRI" }

    /// The LAME/Lavc extension that follows the Xing fields.
    struct LAMEExtension: Sendable {
        var encoder: String
        /// Offset of the extension (its encoder string) inside the frame.
        var offsetInFrame: Int
        var encoderDelay: Int
        var encoderPadding: Int
        var musicLength: UInt32
        var musicCRC: UInt16
        var storedCRC: UInt16
        var computedCRC: UInt16
        /// The CRC as ffmpeg's muxer computes it: always over the frame's
        /// first 190 bytes (the length of an MPEG-1 stereo tag frame up to the
        /// CRC), with the CRC field itself as zero and bytes past the end of a
        /// shorter frame as zero.
        var ffmpegCRC: UInt16
        var crcMatches: Bool { storedCRC == computedCRC }
        /// Which reading of the tag CRC the stored value matches.
        var crcVariant: LAMETagCRCVariant {
            if storedCRC == computedCRC { return .lame }
            if isFFmpeg && storedCRC == ffmpegCRC { return .ffmpeg }
            return .mismatch
        }
        /// Written by ffmpeg's libavformat/libavcodec ("Lavf…", "Lavc…").
        var isFFmpeg: Bool { encoder.hasPrefix("Lavc") || encoder.hasPrefix("Lavf") }
        static let length = 36
        static let ffmpegCRCSpan = 190

        static func ffmpegStyleCRC(_ frame: [UInt8], crcFieldAt p: Int) -> UInt16 {
            var span = [UInt8](repeating: 0, count: ffmpegCRCSpan)
            for i in 0..<min(ffmpegCRCSpan, frame.count) where i != p && i != p + 1 { span[i] = frame[i] }
            return CRC16.arc(span)
        }
    }

    var kind: Kind
    /// Offset of the "Xing"/"Info"/"VBRI" id inside the frame.
    var offsetInFrame: Int
    var flags: UInt32 = 0
    var frames: UInt32?
    var bytes: UInt32?
    var framesFieldOffset: Int?
    var bytesFieldOffset: Int?
    var tocOffset: Int?
    var lame: LAMEExtension?
    /// Set when the id was found but the fields do not fit the frame.
    var problem: String?

    /// Looks for a tag in `frame` (the first frame's bytes, header included).
    static func find(in frame: [UInt8], header: MP3FrameHeader) -> XingTag? {
        // The tag follows the side information; LAME (and ffmpeg when
        // reading) ignore the two CRC bytes when placing it, others do not.
        let plain = 4 + header.sideInfoLength
        let candidates = header.hasCRC ? [plain, plain + 2] : [plain]
        let length = min(frame.count, header.frameLength)
        let found = candidates.first { ByteFields.matches(frame, $0, "Xing") || ByteFields.matches(frame, $0, "Info") }
        if let xingAt = found {
            let kind: Kind = ByteFields.matches(frame, xingAt, "Xing") ? .xing : .info
            var tag = XingTag(kind: kind, offsetInFrame: xingAt)
            guard let flags = ByteFields.be32(frame, xingAt + 4), xingAt + 8 <= length else {
                tag.problem = "\(kind.rawValue) tag is cut off by the end of its frame"
                return tag
            }
            tag.flags = flags
            if flags & ~0xF != 0 {
                tag.problem = "\(kind.rawValue) tag has unknown flags 0x\(String(flags, radix: 16))"
                return tag
            }
            var p = xingAt + 8
            if flags & 1 != 0 {
                tag.framesFieldOffset = p
                tag.frames = p + 4 <= length ? ByteFields.be32(frame, p) : nil
                p += 4
            }
            if flags & 2 != 0 {
                tag.bytesFieldOffset = p
                tag.bytes = p + 4 <= length ? ByteFields.be32(frame, p) : nil
                p += 4
            }
            if flags & 4 != 0 { tag.tocOffset = p; p += 100 }
            if flags & 8 != 0 { p += 4 }
            if p > length || (flags & 1 != 0 && tag.frames == nil) || (flags & 2 != 0 && tag.bytes == nil) {
                tag.problem = "\(kind.rawValue) tag fields run past the end of its \(header.frameLength)-byte frame"
                return tag
            }
            if p + LAMEExtension.length <= length {
                let enc = frame[p..<(p + 9)]
                let isText = enc.prefix(4).allSatisfy { $0 >= 0x41 && $0 <= 0x7A }
                if isText, let crc = ByteFields.be16(frame, p + 34), let music = ByteFields.be32(frame, p + 28),
                   let musicCRC = ByteFields.be16(frame, p + 32),
                   let d0 = ByteFields.u8(frame, p + 21), let d1 = ByteFields.u8(frame, p + 22), let d2 = ByteFields.u8(frame, p + 23) {
                    let encoder = String(decoding: enc.prefix { $0 >= 0x20 && $0 < 0x7F }, as: UTF8.self)
                    tag.lame = LAMEExtension(
                        encoder: encoder, offsetInFrame: p,
                        encoderDelay: Int(d0) << 4 | Int(d1 >> 4),
                        encoderPadding: Int(d1 & 0x0F) << 8 | Int(d2),
                        musicLength: music, musicCRC: musicCRC, storedCRC: crc,
                        computedCRC: CRC16.arc(frame[0..<(p + 34)]),
                        ffmpegCRC: LAMEExtension.ffmpegStyleCRC(Array(frame[0..<length]), crcFieldAt: p + 34))
                }
            }
            return tag
        }
        let vbriAt = 4 + 32
        if ByteFields.matches(frame, vbriAt, "VBRI") {
            var tag = XingTag(kind: .vbri, offsetInFrame: vbriAt)
            guard vbriAt + 18 <= length, let bytes = ByteFields.be32(frame, vbriAt + 10),
                  let frames = ByteFields.be32(frame, vbriAt + 14) else {
                tag.problem = "VBRI tag is cut off by the end of its frame"
                return tag
            }
            tag.bytes = bytes
            tag.frames = frames
            return tag
        }
        return nil
    }

    /// The Xing table of contents: for 0 %, 1 % … 99 % of the duration, the
    /// byte offset of that frame relative to the tag frame (ffmpeg seeks to
    /// tag frame + entry × bytes ÷ 256), scaled to 0…255. Entry 0 is 0, as
    /// LAME writes it (only the silent tag frame lies before the first audio
    /// frame).
    static func tableOfContents(frameOffsets: [Int], streamBytes: Int) -> [UInt8] {
        guard streamBytes > 0, !frameOffsets.isEmpty else { return [UInt8](repeating: 0, count: 100) }
        var toc = [UInt8](repeating: 0, count: 100)
        var last = 0
        for i in 0..<100 {
            let off = frameOffsets[min(frameOffsets.count - 1, i * frameOffsets.count / 100)]
            var v = Int((Double(off) / Double(streamBytes) * 256).rounded(.down))
            v = min(255, max(last, v))
            if i == 0 { v = 0 }
            toc[i] = UInt8(v)
            last = v
        }
        return toc
    }
}
