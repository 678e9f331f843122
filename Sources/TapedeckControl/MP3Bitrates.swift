/// The MP3 bitrates (kbit/s) Tapedeck writes exactly as asked, by sample rate: the MPEG
/// Layer III table of the version the rate implies, as far as the encoder (LAME) honours it.
///
/// | rate | MPEG version | bitrates |
/// | --- | --- | --- |
/// | 32000, 44100, 48000 | MPEG-1 | 32–320 |
/// | 16000, 22050, 24000 | MPEG-2 | 8–160 (with 144) |
/// | 8000, 11025, 12000 | MPEG-2.5 | 8–64: the standard's table goes on to 160, but LAME writes every higher bitrate as 64 |
///
/// Anything else LAME would silently change, so it is refused. The same table is kept by
/// `ConfigRules.mp3Bitrates(rate:)` (configuration) and `AudioFileSpec.mp3Bitrates(sampleRate:)`
/// (the writer), which cannot import this target; TapedeckDaemonTests checks that the three agree.
public enum MP3Bitrates {
    /// MPEG-1 Layer III (32, 44.1 and 48 kHz).
    public static let mpeg1 = [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]
    /// MPEG-2 Layer III (16, 22.05 and 24 kHz).
    public static let mpeg2 = [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]
    /// MPEG-2.5 Layer III (8, 11.025 and 12 kHz) as LAME encodes it: at most 64.
    public static let mpeg25 = [8, 16, 24, 32, 40, 48, 56, 64]

    /// The bitrates at `sampleRate`.
    public static func at(sampleRate: Int) -> [Int] {
        sampleRate >= 32000 ? mpeg1 : sampleRate >= 16000 ? mpeg2 : mpeg25
    }

    /// Every bitrate of some rate: what a request may name before the station's rate is known.
    public static let any: [Int] = Array(Set(mpeg1 + mpeg2 + mpeg25)).sorted()

    /// `8, 16, 24`.
    public static func list(_ bitrates: [Int]) -> String {
        bitrates.map(String.init).joined(separator: ", ")
    }
}
