/// Where things are in a WAV/RF64 file, as found by `WAVInspector`; the
/// repair works from this.
struct WAVLayout: Sendable {
    var fileSize = 0
    var isRF64 = false
    /// The 32-bit size field of the RIFF/RF64 header.
    var riffField: UInt32 = 0
    /// Offset of the ds64 payload (RF64) and its fields.
    var ds64PayloadOffset: Int?
    var ds64RiffSize: UInt64?
    var ds64DataSize: UInt64?
    /// A JUNK chunk right after the header that is big enough to become ds64
    /// (libsndfile and others reserve it for an RF64 upgrade).
    var junkPayloadOffset: Int?
    var format: WAVFormat?
    var fmtInvalid = false
    var fmtSeenBeforeData = false
    /// Offset of the first `data` chunk header.
    var dataHeaderOffset: Int?
    var dataPayloadOffset: Int?
    /// The size the file declares for data (32-bit field or ds64).
    var dataDeclared: UInt64 = 0
    /// Bytes of audio really there after the data header, judged from what
    /// follows the chunk (to end of file if nothing chunk-like follows).
    var dataReal = 0
    /// True when nothing chunk-like follows data: repair may change its size.
    var dataIsLast = false
    /// End of the last complete chunk (pad byte included when present).
    var lastChunkEnd = 12
    /// Any byte after `lastChunkEnd` that is not part of a chunk.
    var trailingBytes = 0
}
