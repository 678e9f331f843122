/// Stable identifiers of every finding `FileInspector` can report. The raw
/// value appears as `code` in `tapedeck validate --json`; docs/validate.md
/// lists them all.
public enum ReasonCode: String, Sendable, CaseIterable {
    // Any file
    case unreadable = "unreadable"
    case notRegularFile = "not-regular-file"
    case unknownFormat = "unknown-format"
    case empty = "empty"

    // WAV / RF64
    case riffHeaderTruncated = "riff-header-truncated"
    case notWave = "not-wave"
    case rifxUnsupported = "rifx-unsupported"
    case riffSizePlaceholder = "riff-size-placeholder"
    case riffSizeMismatch = "riff-size-mismatch"
    case ds64Missing = "ds64-missing"
    case ds64Invalid = "ds64-invalid"
    case chunkHeaderInvalid = "chunk-header-invalid"
    case chunkTruncated = "chunk-truncated"
    case missingPadByte = "missing-pad-byte"
    case duplicateChunk = "duplicate-chunk"
    case fmtMissing = "fmt-missing"
    case fmtAfterData = "fmt-after-data"
    case fmtInvalid = "fmt-invalid"
    case blockAlignMismatch = "block-align-mismatch"
    case byteRateMismatch = "byte-rate-mismatch"
    case encodingUnchecked = "encoding-unchecked"
    case dataMissing = "data-missing"
    case dataSizePlaceholder = "data-size-placeholder"
    case dataTruncated = "data-truncated"
    case dataUnderDeclared = "data-under-declared"
    case dataPartialFrame = "data-partial-frame"
    case trailingBytes = "trailing-bytes"

    // MP3
    case id3v2Invalid = "id3v2-invalid"
    case id3v2Truncated = "id3v2-truncated"
    case apeTagInvalid = "ape-tag-invalid"
    case lyrics3Invalid = "lyrics3-invalid"
    case noFrames = "no-frames"
    case leadingGarbage = "leading-garbage"
    case garbageBetweenFrames = "garbage-between-frames"
    case trailingGarbage = "trailing-garbage"
    case truncatedLastFrame = "truncated-last-frame"
    case id3v2InsideAudio = "id3v2-inside-audio"
    case framesInGarbage = "frames-in-garbage"
    case multipleStreams = "multiple-streams"
    case sampleRateChanges = "sample-rate-changes"
    case versionChanges = "version-changes"
    case channelModeChanges = "channel-mode-changes"
    case crcMismatch = "crc-mismatch"
    case xingFrameCountMismatch = "xing-frame-count-mismatch"
    case xingByteCountMismatch = "xing-byte-count-mismatch"
    case xingInvalid = "xing-invalid"
    case xingTypeMismatch = "xing-type-mismatch"
    case lameTagCRCMismatch = "lame-tag-crc-mismatch"
    case lameMusicCRCMismatch = "lame-music-crc-mismatch"

    /// Whether `FileRepairer` can remove this finding without touching
    /// audio content.
    public var isRepairable: Bool {
        switch self {
        case .riffSizePlaceholder, .riffSizeMismatch, .chunkTruncated, .missingPadByte,
             .dataSizePlaceholder, .dataTruncated, .dataUnderDeclared, .dataPartialFrame,
             .trailingBytes:
            return true
        case .leadingGarbage, .garbageBetweenFrames, .trailingGarbage, .truncatedLastFrame,
             .xingFrameCountMismatch, .xingByteCountMismatch, .xingInvalid, .xingTypeMismatch,
             .lameTagCRCMismatch, .lameMusicCRCMismatch:
            return true
        default:
            return false
        }
    }
}
