/// A run of frames of one stream (one MPEG version, sample rate, channel
/// count and CRC use) inside an MP3 file. A file made by joining MP3s of
/// different formats holds several, one after another.
struct MP3StreamSegment: Sendable {
    let header: MP3FrameHeader
    /// Offset of the segment's first frame (a tag frame included).
    let start: Int
    /// Offset just past its last frame.
    var end: Int
    /// Audio frames (a Xing/Info frame excluded).
    var frames = 0
    /// Whether an ID3v2 tag came right before it.
    let afterTag: Bool

    var seconds: Double { Double(frames * header.samplesPerFrame) / Double(header.sampleRate) }

    var summary: String {
        let channels = header.channels == 1 ? "mono" : "stereo"
        return "\(header.sampleRate) Hz \(header.version.rawValue) \(channels), \(frames) frame\(frames == 1 ? "" : "s") "
            + "(\(formatSeconds(seconds))) at offsets \(start)–\(end)" + (afterTag ? " after an ID3v2 tag" : "")
    }

    /// The finding for a file holding more than one segment, naming each
    /// (the first eight, and how many more).
    static func describe(_ segments: [MP3StreamSegment]) -> String {
        let shown = segments.prefix(8).map(\.summary).joined(separator: "; ")
        let more = segments.count > 8 ? "; and \(segments.count - 8) more" : ""
        return "the file holds \(segments.count) MPEG streams one after another (files joined end to end?): \(shown)\(more)"
    }
}
