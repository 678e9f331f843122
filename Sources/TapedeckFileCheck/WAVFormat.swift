/// The fields of a `fmt ` chunk that the checks use.
struct WAVFormat: Sendable, Equatable {
    var formatTag: UInt16
    /// For WAVE_FORMAT_EXTENSIBLE, the tag from the sub-format GUID.
    var effectiveTag: UInt16
    var channels: Int
    var sampleRate: Int
    var byteRate: Int
    var blockAlign: Int
    var bitsPerSample: Int

    static let pcm: UInt16 = 0x0001
    static let float: UInt16 = 0x0003
    static let alaw: UInt16 = 0x0006
    static let mulaw: UInt16 = 0x0007
    static let extensible: UInt16 = 0xFFFE

    /// Encodings whose block alignment is channels × whole bytes per sample.
    var isLinear: Bool {
        [WAVFormat.pcm, WAVFormat.float, WAVFormat.alaw, WAVFormat.mulaw].contains(effectiveTag)
    }

    var encodingName: String {
        switch effectiveTag {
        case WAVFormat.pcm: return "pcm"
        case WAVFormat.float: return "float"
        case WAVFormat.alaw: return "alaw"
        case WAVFormat.mulaw: return "mulaw"
        default:
            let hex = String(effectiveTag, radix: 16)
            return "0x" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        }
    }

    /// Parses a `fmt ` payload; on failure returns the reason in words.
    static func parse(_ p: [UInt8]) -> Result<WAVFormat, WAVFormatError> {
        guard p.count >= 16,
              let tag = ByteFields.le16(p, 0), let ch = ByteFields.le16(p, 2),
              let rate = ByteFields.le32(p, 4), let byteRate = ByteFields.le32(p, 8),
              let align = ByteFields.le16(p, 12), let bits = ByteFields.le16(p, 14)
        else { return .failure(.init(message: "fmt chunk is \(p.count) bytes, shorter than the 16 a WAVE format needs")) }
        var effective = tag
        if tag == extensible {
            guard p.count >= 40, let sub = ByteFields.le16(p, 24) else {
                return .failure(.init(message: "fmt chunk declares WAVE_FORMAT_EXTENSIBLE but is \(p.count) bytes, shorter than the 40 it needs"))
            }
            effective = sub
        }
        let f = WAVFormat(formatTag: tag, effectiveTag: effective, channels: Int(ch), sampleRate: Int(rate),
                          byteRate: Int(byteRate), blockAlign: Int(align), bitsPerSample: Int(bits))
        if ch == 0 { return .failure(.init(message: "fmt chunk declares 0 channels")) }
        if rate == 0 { return .failure(.init(message: "fmt chunk declares a sample rate of 0 Hz")) }
        if align == 0 { return .failure(.init(message: "fmt chunk declares a block align of 0 bytes")) }
        if f.isLinear && bits == 0 { return .failure(.init(message: "fmt chunk declares 0 bits per sample")) }
        return .success(f)
    }
}

struct WAVFormatError: Error, Sendable {
    let message: String
}
