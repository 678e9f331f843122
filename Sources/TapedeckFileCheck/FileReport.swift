/// The container a file was recognised as.
public enum AudioFileFormat: String, Sendable, CaseIterable {
    case wav, rf64, mp3, unknown
}

/// Everything `FileInspector.inspect(path:)` learned about one file.
/// Fields that could not be determined (for example the sample rate of a WAV
/// without a `fmt ` chunk) are nil.
public struct FileReport: Sendable {
    public var path: String
    public var format: AudioFileFormat
    public var fileSize: Int64?
    public var sampleRate: Int?
    public var channels: Int?
    /// WAV/RF64 only: bits per sample from `fmt `.
    public var bitsPerSample: Int?
    /// WAV/RF64 only: "pcm", "float", "alaw", "mulaw" or "0x....".
    public var encoding: String?
    /// MP3 only: the bitrate in kbit/s (for VBR the average over the frames).
    public var bitrateKbps: Int?
    /// MP3 only: whether frames use more than one bitrate (or the Xing tag says VBR).
    public var isVBR: Bool?
    /// MP3 only: "MPEG-1", "MPEG-2" or "MPEG-2.5" (all Layer III).
    public var mpegVersion: String?
    /// MP3: audio frames (Xing/Info frame excluded). WAV: sample frames.
    public var frameCount: Int64?
    /// WAV: whole sample frames in the audio that is really there / sample rate.
    /// MP3: the gapless duration when the LAME tag gives it (what mpg123 and
    /// ffmpeg decode), else audio frames × samples per frame / sample rate
    /// (what ffprobe reports as the container duration).
    public var durationSeconds: Double?
    /// MP3 only: duration minus the LAME tag's encoder delay and padding, when
    /// the tag gives them and agrees with the stream.
    public var gaplessDurationSeconds: Double?
    /// MP3 only: which reading of the LAME/Lavc tag CRC the stored value
    /// matches (nil when there is no checksummed LAME tag).
    public var lameTagCRC: LAMETagCRCVariant?
    public var reasons: [Reason]

    public var verdict: Verdict { Verdict(reasons: reasons) }

    public init(path: String, format: AudioFileFormat, reasons: [Reason] = []) {
        self.path = path
        self.format = format
        self.reasons = reasons
    }

    /// Adds a finding unless an identical one is already present.
    mutating func add(_ code: ReasonCode, _ severity: Severity, _ message: String) {
        let reason = Reason(code, severity, message)
        if !reasons.contains(reason) { reasons.append(reason) }
    }

    public func has(_ code: ReasonCode) -> Bool { reasons.contains { $0.code == code } }
}
