/// What `MP3Inspector` found about an MP3 file's layout; the repair works
/// from this.
struct MP3Layout: Sendable {
    var tags = MP3TagLayout()
    /// The frame holding a Xing/Info/VBRI tag, if the first frame is one.
    var tagFrameOffset: Int?
    var tagFrameHeader: MP3FrameHeader?
    var xing: XingTag?
    var audioFrames = 0
    /// Offset just past the last complete frame.
    var streamEnd = 0
    var garbageBytes = 0
    var truncatedFrameBytes = 0
    var crcErrors = 0
    var inconsistent = false
    /// Frames of the stream found inside garbage (see `MP3FrameScanner`).
    var hiddenFrames = 0
    /// How many streams of different parameters follow one another.
    var segments = 0
    /// ID3v2 tags between frames (MP3 files joined end to end).
    var tagsInside = 0
}
