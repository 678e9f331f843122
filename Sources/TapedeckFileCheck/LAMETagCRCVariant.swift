/// How a LAME/Lavc tag's CRC was computed, as far as the checker can tell.
public enum LAMETagCRCVariant: String, Sendable {
    /// LAME's reading: CRC-16/ARC over the tag frame up to the CRC field.
    case lame
    /// ffmpeg's muxer: CRC-16/ARC over a fixed 190 bytes from the frame
    /// start, the CRC field counted as zero and bytes past a shorter frame
    /// as zero. Differs from LAME's whenever the frame's tag does not end at
    /// byte 190 (every MPEG-2/2.5 and mono frame).
    case ffmpeg
    /// Neither.
    case mismatch
}
